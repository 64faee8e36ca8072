"""Printable forms: the registry, rendering to PDF with the project's font, filling from records."""

from kefu.forms.registry import Form, Registry, load_registry
from kefu.forms.render import Filled, FormRenderer
from kefu.forms.site import write_site_pages

__all__ = ["Filled", "Form", "FormRenderer", "Registry", "load_registry", "write_site_pages"]
