"""Share bundles: a runner sends her log as one file (:func:`share_bundle`), and her coach's store
merges it (:func:`merge_bundles`). The file's layout is documented in :mod:`.format`."""

from .format import FORMAT_VERSION, Bundle, read_bundle
from .merge import Merged, MergeSummary, Refused, inbox_dir, merge_bundle, merge_bundles
from .share import bundle_download_link, bundles_dir, share_bundle

__all__ = [
    "FORMAT_VERSION",
    "Bundle",
    "MergeSummary",
    "Merged",
    "Refused",
    "bundle_download_link",
    "bundles_dir",
    "inbox_dir",
    "merge_bundle",
    "merge_bundles",
    "read_bundle",
    "share_bundle",
]
