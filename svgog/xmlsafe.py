"""Parsing SVG safely: no entities, no DTDs, no network, no huge trees."""

from __future__ import annotations

from lxml import etree

from .errors import TemplateError

__all__ = ["MAX_DOCUMENT_BYTES", "OG_NS", "SVG_NS", "XLINK_NS", "parse_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
OG_NS = "urn:svgog"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        collect_ids=False,
    )


def parse_svg(data: bytes, source: str) -> etree._Element:
    """Parse SVG bytes with external entities, DTDs and network access disabled.

    :param source: The document's name or file, for error messages.
    :raises TemplateError: If the bytes are not a usable SVG document.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise TemplateError(f"file is larger than {MAX_DOCUMENT_BYTES} bytes", template=source)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise TemplateError(f"not well-formed XML: {exc.msg}", template=source, line=exc.lineno) from exc
    if root.getroottree().docinfo.internalDTD is not None:
        raise TemplateError("DOCTYPE declarations are not allowed in templates", template=source)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise TemplateError(f"root element is {root.tag!r}, not <svg> in the SVG namespace ({SVG_NS})", template=source)
    return root
