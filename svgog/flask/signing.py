"""Signed image URLs: moved to :mod:`svgog.serving.signing`, shared by every adapter."""

from ..serving.signing import SIGNATURE_PARAMETER as SIGNATURE_PARAMETER
from ..serving.signing import UNSIGNED_PARAMETERS as UNSIGNED_PARAMETERS
from ..serving.signing import VERSION_PARAMETER as VERSION_PARAMETER
from ..serving.signing import UrlSigner as UrlSigner

__all__ = ["SIGNATURE_PARAMETER", "UNSIGNED_PARAMETERS", "VERSION_PARAMETER", "UrlSigner"]
