"""aqfake: an in-memory Aquarium server that speaks Aquarium's HTTP protocol."""
