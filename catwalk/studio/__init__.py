"""The studio: Catwalk draws its own people who move, with the truth known.

It seeds the starter template library (template videos with their pose and parse tracks)
and feeds the try-on models' tests. numpy and OpenCV only; importing does nothing heavy.

Modules:
- `body`: BodyShape (what a casting sheet says) and the bone lengths derived from it.
- `skeleton`: segments, joint controls (`Posture`), FK/IK with joint limits, where
  MediaPipe's 33 landmarks sit; the world frame (metres, y up, facing +z).
- `gait`: a walk with planted feet (heel strike, rockers, toe off, swing).
- `choreography`: the motions as performances of one clip (idle layer, gestures, turn, sit).
- `motion`: the public motion library: MOTIONS, tags, `pose_sequence` -> PoseFrame.
- `camera`: pinhole camera, framing, KEYPOINTS-convention projection.
- `look`: skin tones, hair, face colours, the base outfit's known colours.
- `head`: skull, face paint, hair styles.
- `figure`: the mannequin's shapes (ellipsoids, round and elliptic cones) on the segments.
- `raster`: ray-cast those shapes into a z-buffered, anti-aliased canvas.
- `lighting`, `backgrounds`: presets and backdrops (studio sweep, gradient, room, outdoor).
- `mannequin`: the renderer: `render_clip` / `render_frames` -> RenderedFrame with truth.
- `listing`: a garment's spec (kind, colour, pattern, sleeve, pockets, closure, ...) and
  what a merchant says about it: zh/en titles, descriptions, tag-like attributes.
- `garments`: flat-lay product photos of a spec, with mask, landmarks and silhouette.
- `bench`: render frames per second (scripts/bench).
- `listing`, `garments`: studio product photos of garments (flat lays) with their truth
  and their listings.
"""
