"""French (fr) page strings and attribute display names; keys as in :mod:`.strings`."""

STRINGS: dict[str, str] = {
    "heading": "Se connecter",
    "local_intro_email": "Connectez-vous avec votre adresse e-mail",
    "social_intro": "Connectez-vous avec votre compte de réseau social",
    "email_signup": "Inscription par e-mail",
    "heading_signup": "S'inscrire",
    "local_intro_username": "Connectez-vous avec votre nom d'utilisateur",
    "logonIdentifier_email": "Adresse e-mail",
    "logonIdentifier_username": "Nom d'utilisateur",
    "password": "Mot de passe",
    "button_signin": "Se connecter",
    "remember_me": "Rester connecté",
    "forgotpassword_link": "Mot de passe oublié ?",
    "createaccount_intro": "Vous n'avez pas de compte ?",
    "createaccount_one_link": "Inscrivez-vous maintenant",
    "divider_title": "OU",
    "requiredField_email": "Veuillez entrer votre adresse e-mail",
    "requiredField_username": "Veuillez entrer votre nom d'utilisateur",
    "requiredField_password": "Veuillez entrer votre mot de passe",
    "invalid_email": "Veuillez entrer une adresse e-mail valide.",
    "initial_intro": "Veuillez fournir les informations suivantes.",
    "button_continue": "Créer",
    "button_cancel": "Annuler",
    "required_field": "Ces informations sont obligatoires.",
    "error_requiredFieldMissing": "Un champ obligatoire n'est pas rempli. Veuillez remplir tous "
                                  "les champs obligatoires, puis réessayer.",
    "error_fieldIncorrect": "Un ou plusieurs champs ne sont pas correctement remplis. Veuillez "
                            "vérifier vos entrées, puis réessayer.",
    "error_passwordEntryMismatch": "Les mots de passe entrés ne correspondent pas. Veuillez "
                                   "entrer le même mot de passe dans les deux champs, puis "
                                   "réessayer.",
    "error_notInteger": "Veuillez entrer un nombre entier, par exemple 42.",
    "error_notAChoice": "Veuillez choisir l'une des options.",
    "error_notADate": "Veuillez entrer une date valide.",
    "select_placeholder": "Sélectionner",
    "error_notBoolean": "Veuillez entrer true ou false.",
    "error_maxLength": "Veuillez entrer {0} caractères au maximum.",
    "error_passwordTooLong": "Le mot de passe est trop long : il doit faire au maximum 72 octets "
                             "(moins de caractères si vous utilisez des accents ou des emoji).",
    "error_passwordDigits": "Le mot de passe doit être un nombre de {0} à {1} chiffres.",
    "error_passwordLength": "Le mot de passe doit contenir entre {0} et {1} caractères.",
    "error_passwordClasses": "Le mot de passe doit contenir au moins {0} des éléments suivants : "
                             "une lettre minuscule, une lettre majuscule, un chiffre, un symbole.",
    "username": "Nom d'utilisateur",
    "ver_intro_msg": "Une vérification est nécessaire. Veuillez cliquer sur le bouton Envoyer.",
    "ver_but_send": "Envoyer le code de vérification",
    "ver_but_verify": "Vérifier le code",
    "ver_but_resend": "Envoyer un nouveau code",
    "ver_but_edit": "Modifier l'adresse e-mail",
    "ver_input": "Code de vérification",
    "ver_info_msg": "Le code de vérification a été envoyé dans votre boîte de réception. "
                    "Veuillez le copier dans la zone de saisie ci-dessous.",
    "ver_success_msg": "Adresse e-mail vérifiée. Vous pouvez maintenant continuer.",
    "ver_fail_code": "Ce code est incorrect. Veuillez réessayer.",
    "ver_fail_code_expired": "Ce code a expiré. Veuillez demander un nouveau code.",
    "ver_fail_throttled": "Il y a eu trop de demandes de vérification de cette adresse e-mail. "
                          "Veuillez patienter un moment, puis réessayer.",
    "ver_fail_retry": "Vous avez fait trop de tentatives incorrectes. Veuillez réessayer plus "
                      "tard.",
    "ver_required": "Vous devez vérifier votre adresse e-mail avant de pouvoir continuer.",
    "UserMessageIfClaimsPrincipalDoesNotExist": "Nous ne trouvons pas votre compte.",
    "UserMessageIfInvalidPassword": "Votre mot de passe est incorrect.",
    "UserMessageIfClaimsPrincipalAlreadyExists": "Un utilisateur avec cet identifiant existe "
                                                 "déjà. Veuillez en choisir un autre.",
    "UserMessageIfUserAccountDisabled": "Votre compte a été verrouillé. Contactez votre support "
                                        "pour le déverrouiller, puis réessayez.",
    "DefaultMessage": "Nom d'utilisateur ou mot de passe non valide.",
    "UserMessageIfUserAccountLocked": "Votre compte est temporairement verrouillé pour empêcher "
                                      "toute utilisation non autorisée. Réessayez plus tard.",
    "UserMessageIfAccountNotFoundForReset": "Aucun compte n'a été trouvé pour cet identifiant "
                                            "d'utilisateur.",
    "button_continue_generic": "Continuer",
    "heading_reset": "Mot de passe oublié ?",
    "intro_reset": "Vérifiez votre adresse e-mail, puis choisissez un nouveau mot de passe.",
    "intro_new_password": "Choisissez un nouveau mot de passe.",
    "heading_profile": "Modifier le profil",
    "intro_profile": "Mettez à jour vos informations.",
}

CLAIMS: dict[str, str] = {
    "city": "Ville",
    "country": "Pays/Région",
    "displayName": "Nom d'affichage",
    "email": "Adresse e-mail",
    "emails": "Adresses e-mail",
    "givenName": "Prénom",
    "identityProvider": "Fournisseur d'identité",
    "identityProviderAccessToken": "Jeton d'accès du fournisseur d'identité",
    "jobTitle": "Fonction",
    "legalAgeGroupClassification": "Classification de la tranche d'âge légale",
    "postalCode": "Code postal",
    "state": "État/Province",
    "streetAddress": "Adresse",
    "surname": "Nom",
    "newUser": "Nouvel utilisateur",
    "objectId": "ID d'objet de l'utilisateur",
    "newPassword": "Nouveau mot de passe",
    "reenterPassword": "Confirmer le nouveau mot de passe",
}
