"""Media plumbing shared by the studio and the assembly service: video files, sizes."""
