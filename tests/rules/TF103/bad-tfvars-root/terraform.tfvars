bucket = "acme-assets"
