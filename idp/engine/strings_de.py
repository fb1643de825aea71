"""German (de) page strings and attribute display names; keys as in :mod:`.strings`."""

STRINGS: dict[str, str] = {
    "heading": "Anmelden",
    "local_intro_email": "Mit Ihrer E-Mail-Adresse anmelden",
    "social_intro": "Mit Ihrem Konto aus einem sozialen Netzwerk anmelden",
    "email_signup": "E-Mail-Registrierung",
    "heading_signup": "Registrieren",
    "local_intro_username": "Mit Ihrem Benutzernamen anmelden",
    "logonIdentifier_email": "E-Mail-Adresse",
    "logonIdentifier_username": "Benutzername",
    "password": "Kennwort",
    "button_signin": "Anmelden",
    "remember_me": "Angemeldet bleiben",
    "forgotpassword_link": "Kennwort vergessen?",
    "createaccount_intro": "Sie haben noch kein Konto?",
    "createaccount_one_link": "Jetzt registrieren",
    "divider_title": "ODER",
    "requiredField_email": "Geben Sie Ihre E-Mail-Adresse ein.",
    "requiredField_username": "Geben Sie Ihren Benutzernamen ein.",
    "requiredField_password": "Geben Sie Ihr Kennwort ein.",
    "invalid_email": "Geben Sie eine gültige E-Mail-Adresse ein.",
    "initial_intro": "Geben Sie die folgenden Informationen an.",
    "button_continue": "Erstellen",
    "button_cancel": "Abbrechen",
    "required_field": "Diese Angabe ist erforderlich.",
    "error_requiredFieldMissing": "Ein Pflichtfeld ist nicht ausgefüllt. Füllen Sie alle "
                                  "Pflichtfelder aus, und versuchen Sie es erneut.",
    "error_fieldIncorrect": "Mindestens ein Feld ist nicht korrekt ausgefüllt. Überprüfen Sie "
                            "Ihre Eingaben, und versuchen Sie es erneut.",
    "error_passwordEntryMismatch": "Die Kennworteingaben stimmen nicht überein. Geben Sie in "
                                   "beide Felder dasselbe Kennwort ein, und versuchen Sie es "
                                   "erneut.",
    "error_notInteger": "Geben Sie eine ganze Zahl ein, z. B. 42.",
    "error_notAChoice": "Wählen Sie eine der Optionen aus.",
    "error_notADate": "Geben Sie ein gültiges Datum ein.",
    "select_placeholder": "Auswählen",
    "error_notBoolean": "Geben Sie true oder false ein.",
    "error_maxLength": "Geben Sie höchstens {0} Zeichen ein.",
    "error_passwordTooLong": "Das Kennwort ist zu lang: Es darf höchstens 72 Byte lang sein "
                             "(weniger Zeichen, wenn Sie Akzente oder Emojis verwenden).",
    "error_passwordDigits": "Das Kennwort muss eine Zahl mit {0} bis {1} Ziffern sein.",
    "error_passwordLength": "Das Kennwort muss zwischen {0} und {1} Zeichen lang sein.",
    "error_passwordClasses": "Das Kennwort muss mindestens {0} der folgenden Zeichenarten "
                             "enthalten: Kleinbuchstabe, Großbuchstabe, Ziffer, Symbol.",
    "username": "Benutzername",
    "ver_intro_msg": "Eine Überprüfung ist erforderlich. Klicken Sie auf die Schaltfläche "
                     "„Senden“.",
    "ver_but_send": "Überprüfungscode senden",
    "ver_but_verify": "Code überprüfen",
    "ver_but_resend": "Neuen Code senden",
    "ver_but_edit": "E-Mail-Adresse ändern",
    "ver_input": "Überprüfungscode",
    "ver_info_msg": "Der Überprüfungscode wurde an Ihren Posteingang gesendet. Kopieren Sie ihn "
                    "in das Eingabefeld unten.",
    "ver_success_msg": "E-Mail-Adresse überprüft. Sie können jetzt fortfahren.",
    "ver_fail_code": "Dieser Code ist falsch. Versuchen Sie es erneut.",
    "ver_fail_code_expired": "Dieser Code ist abgelaufen. Fordern Sie einen neuen Code an.",
    "ver_fail_throttled": "Es gab zu viele Anforderungen zur Überprüfung dieser E-Mail-Adresse. "
                          "Warten Sie eine Weile, und versuchen Sie es dann erneut.",
    "ver_fail_retry": "Sie haben zu viele falsche Versuche unternommen. Versuchen Sie es später "
                      "erneut.",
    "ver_required": "Sie müssen Ihre E-Mail-Adresse überprüfen, bevor Sie fortfahren können.",
    "UserMessageIfClaimsPrincipalDoesNotExist": "Ihr Konto wurde nicht gefunden.",
    "UserMessageIfInvalidPassword": "Ihr Kennwort ist falsch.",
    "UserMessageIfClaimsPrincipalAlreadyExists": "Ein Benutzer mit der angegebenen ID ist "
                                                 "bereits vorhanden. Wählen Sie eine andere ID.",
    "UserMessageIfUserAccountDisabled": "Ihr Konto wurde gesperrt. Wenden Sie sich an Ihren "
                                        "Support, um es entsperren zu lassen, und versuchen Sie "
                                        "es dann erneut.",
    "DefaultMessage": "Ungültiger Benutzername oder ungültiges Kennwort.",
    "UserMessageIfUserAccountLocked": "Ihr Konto ist vorübergehend gesperrt, um eine nicht "
                                      "autorisierte Verwendung zu verhindern. Versuchen Sie es "
                                      "später erneut.",
    "UserMessageIfAccountNotFoundForReset": "Für die angegebene Benutzer-ID wurde kein Konto "
                                            "gefunden.",
    "button_continue_generic": "Weiter",
    "heading_reset": "Kennwort vergessen?",
    "intro_reset": "Bestätigen Sie Ihre E-Mail-Adresse, und wählen Sie dann ein neues Kennwort.",
    "intro_new_password": "Wählen Sie ein neues Kennwort.",
    "heading_profile": "Profil bearbeiten",
    "intro_profile": "Aktualisieren Sie Ihre Angaben.",
    # multifactor authentication page (api.phonefactor) and verification messages
    "mfa_title": "Mehrstufige Authentifizierung",
    "mfa_heading": "Bestätigen Sie Ihre Identität",
    "mfa_method_intro": "Mehrstufige Authentifizierung: {0}",
    "mfa_method_email": "E-Mail",
    "mfa_method_phone": "SMS oder Telefonanruf",
    "mfa_method_sms": "Nur SMS",
    "mfa_method_call": "Nur Telefonanruf",
    "mfa_method_totp": "Authentifikator-App - TOTP",
    "mfa_intro_destination": "Wir senden einen Code an {0}.",
    "number_label": "Telefonnummer",
    "local_number_input_placeholder_text": "+14255550100",
    "mfa_phone_help": "Geben Sie die Landesvorwahl mit an. B2C Lab stellt die SMS oder den Anruf "
                      "im Postfach zu.",
    "button_send_code": "Code senden",
    "text_button_send_second_code": "Neuen Code senden",
    "verification_code_input_placeholder_text": "Prüfcode",
    "button_verify_code": "Code überprüfen",
    "mfa_totp_scan": "Scannen Sie diesen QR-Code mit Ihrer Authentifikator-App (Microsoft "
                     "Authenticator, Google Authenticator...) und geben Sie dann den angezeigten "
                     "6-stelligen Code ein.",
    "mfa_totp_qr_alt": "QR-Code, um dieses Konto einer Authentifikator-App hinzuzufügen",
    "mfa_totp_manual": "Scannen nicht möglich? Geben Sie diesen geheimen Schlüssel in der App "
                       "ein:",
    "mfa_totp_enter": "Geben Sie den 6-stelligen Code aus Ihrer Authentifikator-App ein.",
    "mfa_code_sent": "Wir haben einen Code an {0} gesendet. Geben Sie ihn unten ein.",
    "mfa_send_code_first": "Wählen Sie zuerst „Code senden“ aus.",
    "invalid_number": "Geben Sie die Telefonnummer mit Landesvorwahl ein, z. B. +14255550100.",
    "error_incorrect_code": "Dieser Code ist falsch. Versuchen Sie es erneut.",
    "email_verification_subject": "E-Mail-Prüfcode für das Konto bei {0}",
    "email_verification_body": "Bestätigen Sie Ihre E-Mail-Adresse\n\nDanke, dass Sie Ihr Konto "
                               "{2} bestätigen!\nIhr Code lautet: {1}\n\nMit freundlichen Grüßen\n{0}",
    "mfa_email_subject": "Prüfcode für das Konto bei {0}",
    "mfa_sms_subject": "SMS von {0}",
    "mfa_call_subject": "Telefonanruf von {0}",
    "mfa_code_body": "Ihr Prüfcode für {0} lautet: {1}",
}

CLAIMS: dict[str, str] = {
    "city": "Ort",
    "country": "Land/Region",
    "displayName": "Anzeigename",
    "email": "E-Mail-Adresse",
    "emails": "E-Mail-Adressen",
    "givenName": "Vorname",
    "identityProvider": "Identitätsanbieter",
    "identityProviderAccessToken": "Zugriffstoken des Identitätsanbieters",
    "jobTitle": "Position",
    "legalAgeGroupClassification": "Klassifizierung der gesetzlichen Altersgruppe",
    "postalCode": "Postleitzahl",
    "state": "Bundesland/Kanton",
    "streetAddress": "Straße und Hausnummer",
    "surname": "Nachname",
    "newUser": "Neuer Benutzer",
    "objectId": "Objekt-ID des Benutzers",
    "newPassword": "Neues Kennwort",
    "reenterPassword": "Neues Kennwort bestätigen",
}
