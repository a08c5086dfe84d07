"""Staff tools: verify, batch, build-zip, template generation."""
