"""Reading story files and finding their structure: readers, segmentation, normalization."""
