"""TemplateLibrary: templates, the tag dictionary and CEL rules over Postgres and S3 (catwalk.library)."""
