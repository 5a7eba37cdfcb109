"""Product parsing: what a garment is, from the merchant's data, its title and description,
and its photo (through Triton's garment_segmenter). Each reader gives `Evidence`; `merge`
turns it into a profile with provenance, conflicts, shot types and selling points."""
