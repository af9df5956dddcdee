"""The portal registry (portals.yaml) and the bundled demo portal."""
