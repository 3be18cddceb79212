"""EDEXML (the Dutch roster exchange file), as pure code over the dataclasses in `document`.

- `reader.read_edexml(data, *, max_bytes=None) -> ReadResult`: hardened, streaming, all problems at once.
- `writer.write_edexml(doc, *, created_at=None) -> bytes`: EDEXML 2.1.
- `generator.generate_roster(...)` / `generator.move_pupils(...)`: fictitious rosters for demos,
  tests and benchmarks.
"""
