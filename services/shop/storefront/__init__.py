"""The storefront and admin web app's server: the built files of web/ and their `/config.json`."""
