"""OpenID Connect provider: Authlib's server grants over our own models and views.

One module per endpoint: `discovery` (/.well-known/openid-configuration), `keys` (/oidc/jwks/ and
key rotation), `authorize`, `token`, `userinfo`, `revocation`, `logout` (RP-initiated and
back-channel). `server` wires Authlib to our storage (`grants`, `client`). Every claim set comes
from `klaspoort.federation.disclosure.disclose`.
"""
