"""The XML the attendee pastes into the starter pack's files, one source for the README (through
``lab.py``), ``labs solve 07`` (which applies the same edits) and the lab app's page.

``{base}`` is B2C Lab's address (the README shows ``http://localhost:5000``; the lab app and
``labs solve`` fill in their own).  Plain data: no import of ``idp``.
"""
from __future__ import annotations

MOUNT = "ief"
CHECK_EMAIL_PATH = "/api/check-email"
#: e-mail domains the lab API refuses at sign-up (the 409 contract)
BLOCKED_DOMAINS = ("blocked.example",)
PROMO_CODE = "WELCOME-IEF"
#: the 409 answer's userMessage, which the sign-up page shows
BLOCKED_MESSAGE = ("Sign-ups with an address at blocked.example are closed. Use another "
                   "e-mail address.")

#: TrustFrameworkExtensions.xml, just after <BuildingBlocks>: the claim and the transformation
GREETING_BUILDING_BLOCKS = """\
    <ClaimsSchema>
      <ClaimType Id="greeting">
        <DisplayName>Greeting</DisplayName>
        <DataType>string</DataType>
      </ClaimType>
    </ClaimsSchema>
    <ClaimsTransformations>
      <ClaimsTransformation Id="CreateGreeting" TransformationMethod="FormatStringClaim">
        <InputClaims>
          <InputClaim ClaimTypeReferenceId="displayName" TransformationClaimType="inputClaim" />
        </InputClaims>
        <InputParameters>
          <InputParameter Id="stringFormat" DataType="string" Value="Hello {0}!" />
        </InputParameters>
        <OutputClaims>
          <OutputClaim ClaimTypeReferenceId="greeting" TransformationClaimType="outputClaim" />
        </OutputClaims>
      </ClaimsTransformation>
    </ClaimsTransformations>"""

#: TrustFrameworkExtensions.xml, just after <ClaimsProviders>: the profile that reads the user
#: after sign-in and sign-up runs the transformation
GREETING_PROFILE = """\
    <ClaimsProvider>
      <DisplayName>Azure Active Directory</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="AAD-UserReadUsingObjectId">
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="greeting" />
          </OutputClaims>
          <OutputClaimsTransformations>
            <OutputClaimsTransformation ReferenceId="CreateGreeting" />
          </OutputClaimsTransformations>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>"""

#: SignUpOrSignin.xml, just before the tenantId output claim
GREETING_OUTPUT_CLAIM = """\
        <OutputClaim ClaimTypeReferenceId="greeting" />"""

#: TrustFrameworkExtensions.xml, just before </ClaimsSchema>
PROMO_CODE_CLAIM = """\
      <ClaimType Id="promoCode">
        <DisplayName>Promotion code</DisplayName>
        <DataType>string</DataType>
      </ClaimType>"""

#: TrustFrameworkExtensions.xml, just after <ClaimsProviders>: the RESTful profile, and the
#: sign-up page validating with it before the account is written
REST_PROFILES = """\
    <ClaimsProvider>
      <DisplayName>REST APIs</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="REST-CheckEmailDomain">
          <DisplayName>Check the e-mail domain, get a promotion code</DisplayName>
          <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
          <Metadata>
            <Item Key="ServiceUrl">{base}/labs/ief/api/check-email</Item>
            <Item Key="SendClaimsIn">Body</Item>
            <Item Key="AuthenticationType">None</Item>
            <Item Key="AllowInsecureAuthInProduction">true</Item>
          </Metadata>
          <InputClaims>
            <InputClaim ClaimTypeReferenceId="email" />
          </InputClaims>
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="promoCode" />
          </OutputClaims>
          <UseTechnicalProfileForSessionManagement ReferenceId="SM-Noop" />
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>
    <ClaimsProvider>
      <DisplayName>Local Account</DisplayName>
      <TechnicalProfiles>
        <TechnicalProfile Id="LocalAccountSignUpWithLogonEmail">
          <OutputClaims>
            <OutputClaim ClaimTypeReferenceId="promoCode" />
          </OutputClaims>
          <ValidationTechnicalProfiles>
            <ValidationTechnicalProfile ReferenceId="REST-CheckEmailDomain" />
            <ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingLogonEmail" />
          </ValidationTechnicalProfiles>
        </TechnicalProfile>
      </TechnicalProfiles>
    </ClaimsProvider>"""

#: TrustFrameworkBase.xml, in LocalAccountSignUpWithLogonEmail: the lines to delete (the
#: extension lists the write again, after the REST check)
BASE_SIGN_UP_VALIDATION = """\
          <ValidationTechnicalProfiles>
            <ValidationTechnicalProfile ReferenceId="AAD-UserWriteUsingLogonEmail" />
          </ValidationTechnicalProfiles>"""

#: SignUpOrSignin.xml, just before the tenantId output claim
PROMO_CODE_OUTPUT_CLAIM = """\
        <OutputClaim ClaimTypeReferenceId="promoCode" />"""

#: (title, where it goes, text) for the lab app's page, in the lab's order
ALL = (
    ("1. The greeting claim and its claims transformation",
     "TrustFrameworkExtensions.xml, just after <BuildingBlocks>", GREETING_BUILDING_BLOCKS),
    ("2. Run the transformation when the user is read",
     "TrustFrameworkExtensions.xml, just after <ClaimsProviders>", GREETING_PROFILE),
    ("3. Send the greeting in the token",
     'SignUpOrSignin.xml, just before <OutputClaim ClaimTypeReferenceId="tenantId" ...',
     GREETING_OUTPUT_CLAIM),
    ("4. The promotion code claim",
     "TrustFrameworkExtensions.xml, just before </ClaimsSchema>", PROMO_CODE_CLAIM),
    ("5. The RESTful technical profile and the sign-up page's validation",
     "TrustFrameworkExtensions.xml, just after <ClaimsProviders>", REST_PROFILES),
    ("6. Delete from the base: the write moves after the REST check",
     "TrustFrameworkBase.xml, in TechnicalProfile LocalAccountSignUpWithLogonEmail (delete "
     "these lines)", BASE_SIGN_UP_VALIDATION),
    ("7. Send the promotion code in the token",
     'SignUpOrSignin.xml, just before <OutputClaim ClaimTypeReferenceId="tenantId" ...',
     PROMO_CODE_OUTPUT_CLAIM),
)
