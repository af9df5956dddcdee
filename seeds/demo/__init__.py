"""The bundled demo portal: real report texts served as realistic government CMS pages on 127.0.0.1."""

from seeds.demo.server import DemoServer, serve
from seeds.demo.site import DemoArticle, DemoPortal, DemoSite, build_demo_site

__all__ = ["DemoArticle", "DemoPortal", "DemoServer", "DemoSite", "build_demo_site", "serve"]
