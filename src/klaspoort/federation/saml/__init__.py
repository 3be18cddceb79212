"""SAML 2.0 identity provider: metadata, SP-initiated and IdP-initiated single sign-on.

Built on lxml + signxml (see ARCHITECTURE.md). One module per concern:
`constants` (URIs), `keys` (IdP signing key and certificate), `request_parser` (AuthnRequest in),
`request_signature` (signed requests), `assertion` (signed Response out), `attributes` (Entree names),
`metadata` (IdP metadata), `actions` (issue a response for a principal), `views/` (HTTP edges).
"""
