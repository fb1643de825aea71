"""Spanish (es) page strings and attribute display names; keys as in :mod:`.strings`."""

STRINGS: dict[str, str] = {
    "heading": "Iniciar sesión",
    "local_intro_email": "Inicie sesión con su dirección de correo electrónico",
    "social_intro": "Iniciar sesión con su cuenta de redes sociales",
    "email_signup": "Registro por correo electrónico",
    "heading_signup": "Registrarse",
    "local_intro_username": "Inicie sesión con su nombre de usuario",
    "logonIdentifier_email": "Dirección de correo electrónico",
    "logonIdentifier_username": "Nombre de usuario",
    "password": "Contraseña",
    "button_signin": "Iniciar sesión",
    "remember_me": "Mantener la sesión iniciada",
    "forgotpassword_link": "¿Olvidó su contraseña?",
    "createaccount_intro": "¿No tiene una cuenta?",
    "createaccount_one_link": "Regístrese ahora",
    "divider_title": "O",
    "requiredField_email": "Escriba su dirección de correo electrónico",
    "requiredField_username": "Escriba su nombre de usuario",
    "requiredField_password": "Escriba su contraseña",
    "invalid_email": "Escriba una dirección de correo electrónico válida.",
    "initial_intro": "Proporcione los datos siguientes.",
    "button_continue": "Crear",
    "button_cancel": "Cancelar",
    "required_field": "Esta información es obligatoria.",
    "error_requiredFieldMissing": "Falta un campo obligatorio. Rellene todos los campos "
                                  "obligatorios e inténtelo de nuevo.",
    "error_fieldIncorrect": "Uno o varios campos no se han rellenado correctamente. Revise los "
                            "datos e inténtelo de nuevo.",
    "error_passwordEntryMismatch": "Las contraseñas no coinciden. Escriba la misma contraseña "
                                   "en ambos campos e inténtelo de nuevo.",
    "error_notInteger": "Escriba un número entero, por ejemplo 42.",
    "error_notAChoice": "Elija una de las opciones.",
    "error_notADate": "Escriba una fecha válida.",
    "select_placeholder": "Seleccionar",
    "error_notBoolean": "Escriba true o false.",
    "error_maxLength": "Escriba como máximo {0} caracteres.",
    "error_passwordTooLong": "La contraseña es demasiado larga: debe ocupar como máximo 72 bytes "
                             "(menos caracteres si usa acentos o emojis).",
    "error_passwordDigits": "La contraseña debe ser un número de {0} a {1} dígitos.",
    "error_passwordLength": "La contraseña debe tener entre {0} y {1} caracteres.",
    "error_passwordClasses": "La contraseña debe contener al menos {0} de los elementos "
                             "siguientes: una letra minúscula, una letra mayúscula, un dígito, "
                             "un símbolo.",
    "username": "Nombre de usuario",
    "ver_intro_msg": "Es necesaria una verificación. Haga clic en el botón Enviar.",
    "ver_but_send": "Enviar código de verificación",
    "ver_but_verify": "Verificar código",
    "ver_but_resend": "Enviar nuevo código",
    "ver_but_edit": "Cambiar correo electrónico",
    "ver_input": "Código de verificación",
    "ver_info_msg": "Se ha enviado el código de verificación a su bandeja de entrada. Cópielo en "
                    "el cuadro de texto siguiente.",
    "ver_success_msg": "Dirección de correo electrónico verificada. Ya puede continuar.",
    "ver_fail_code": "El código no es correcto. Inténtelo de nuevo.",
    "ver_fail_code_expired": "El código ha expirado. Solicite un código nuevo.",
    "ver_fail_throttled": "Se han recibido demasiadas solicitudes para verificar esta dirección "
                          "de correo electrónico. Espere un momento e inténtelo de nuevo.",
    "ver_fail_retry": "Ha realizado demasiados intentos incorrectos. Inténtelo de nuevo más "
                      "tarde.",
    "ver_required": "Debe verificar su dirección de correo electrónico antes de continuar.",
    "UserMessageIfClaimsPrincipalDoesNotExist": "No encontramos su cuenta.",
    "UserMessageIfInvalidPassword": "La contraseña no es correcta.",
    "UserMessageIfClaimsPrincipalAlreadyExists": "Ya existe un usuario con el identificador "
                                                 "especificado. Elija otro.",
    "UserMessageIfUserAccountDisabled": "Su cuenta está bloqueada. Póngase en contacto con el "
                                        "soporte técnico para desbloquearla e inténtelo de "
                                        "nuevo.",
    "DefaultMessage": "El nombre de usuario o la contraseña no son válidos.",
    "UserMessageIfUserAccountLocked": "Su cuenta está bloqueada temporalmente para impedir un "
                                      "uso no autorizado. Inténtelo de nuevo más tarde.",
    "UserMessageIfAccountNotFoundForReset": "No se encontró ninguna cuenta para el identificador "
                                            "de usuario proporcionado.",
    "button_continue_generic": "Continuar",
    "heading_reset": "¿Olvidó su contraseña?",
    "intro_reset": "Verifique su dirección de correo electrónico y elija una contraseña nueva.",
    "intro_new_password": "Elija una contraseña nueva.",
    "heading_profile": "Editar perfil",
    "intro_profile": "Actualice sus datos.",
    # multifactor authentication page (api.phonefactor) and verification messages
    "mfa_title": "Autenticación multifactor",
    "mfa_heading": "Compruebe que es usted",
    "mfa_method_intro": "Autenticación multifactor: {0}",
    "mfa_method_email": "Correo electrónico",
    "mfa_method_phone": "SMS o llamada de teléfono",
    "mfa_method_sms": "Solo SMS",
    "mfa_method_call": "Solo llamada de teléfono",
    "mfa_method_totp": "Aplicación de autenticación - TOTP",
    "mfa_intro_destination": "Enviaremos un código a {0}.",
    "number_label": "Número de teléfono",
    "local_number_input_placeholder_text": "+14255550100",
    "mfa_phone_help": "Incluya el código de país. B2C Lab envía el mensaje de texto o la llamada "
                      "al buzón.",
    "button_send_code": "Enviar código",
    "text_button_send_second_code": "Enviar código nuevo",
    "verification_code_input_placeholder_text": "Código de verificación",
    "button_verify_code": "Comprobar código",
    "mfa_totp_scan": "Escanee este código QR con su aplicación de autenticación (Microsoft "
                     "Authenticator, Google Authenticator...) y escriba el código de 6 dígitos "
                     "que muestra.",
    "mfa_totp_qr_alt": "Código QR para agregar esta cuenta a una aplicación de autenticación",
    "mfa_totp_manual": "¿No puede escanearlo? Escriba esta clave secreta en la aplicación:",
    "mfa_totp_enter": "Escriba el código de 6 dígitos de su aplicación de autenticación.",
    "mfa_code_sent": "Hemos enviado un código a {0}. Escríbalo a continuación.",
    "mfa_send_code_first": "Seleccione primero Enviar código.",
    "invalid_number": "Escriba el número de teléfono con el código de país, por ejemplo "
                      "+14255550100.",
    "error_incorrect_code": "El código no es correcto. Inténtelo de nuevo.",
    "email_verification_subject": "Código de verificación del correo electrónico de la cuenta de "
                                  "{0}",
    "email_verification_body": "Compruebe su dirección de correo electrónico\n\nGracias por "
                               "verificar la cuenta {2}.\nSu código es: {1}\n\nAtentamente,\n{0}",
    "mfa_email_subject": "Código de verificación de la cuenta de {0}",
    "mfa_sms_subject": "Mensaje de texto de {0}",
    "mfa_call_subject": "Llamada de teléfono de {0}",
    "mfa_code_body": "Su código de verificación de {0} es: {1}",
}

CLAIMS: dict[str, str] = {
    "city": "Ciudad",
    "country": "País o región",
    "displayName": "Nombre para mostrar",
    "email": "Dirección de correo electrónico",
    "emails": "Direcciones de correo electrónico",
    "givenName": "Nombre",
    "identityProvider": "Proveedor de identidades",
    "identityProviderAccessToken": "Token de acceso del proveedor de identidades",
    "jobTitle": "Puesto",
    "legalAgeGroupClassification": "Clasificación del grupo de edad legal",
    "postalCode": "Código postal",
    "state": "Estado o provincia",
    "streetAddress": "Dirección",
    "surname": "Apellidos",
    "newUser": "Usuario nuevo",
    "objectId": "Id. de objeto del usuario",
    "newPassword": "Nueva contraseña",
    "reenterPassword": "Confirmar nueva contraseña",
}
