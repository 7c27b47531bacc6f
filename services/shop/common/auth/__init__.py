"""Who is calling: OIDC access tokens checked against the provider's JWKS, and what they may do.

Every API applies it alike (`create_app(..., auth=AuthSettings.from_env())`); routes declare
their access with the dependencies of `shop.common.auth.dependencies`.
"""
