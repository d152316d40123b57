// A cheap look at a JSON text before JSON.parse builds it. Parsing is not the cost of a hostile
// message: building it is (four million nested arrays are four million objects, and the heap they
// grow stays grown). No message of the contract nests deeper than a few levels or holds more than a
// few dozen values, so one pass over the text, skipping string contents with indexOf, refuses such
// a message at its first levels, before anything is allocated for it. It reads the WebSocket's
// bytes as they came (UTF-8 never puts a quote, backslash or bracket byte inside a multi-byte
// character), so a refused message never becomes a JavaScript string either.

/** Far above the contract's deepest message (a spawn with limits: 4 levels). */
export const MAX_JSON_DEPTH = 32;
/** Values (array elements, object members) in one message; the contract needs a few dozen. */
export const MAX_JSON_VALUES = 10_000;

/** A JSON text: a string, or its UTF-8 bytes. */
export type JsonText = string | Uint8Array;

/** Why `text` is refused before parsing, or null when its shape is fine (it may still not be JSON). */
export function jsonShapeProblem(
  text: JsonText,
  maxDepth: number = MAX_JSON_DEPTH,
  maxValues: number = MAX_JSON_VALUES,
): string | null {
  let depth = 0;
  let values = 0;
  for (let i = 0; i < text.length; i++) {
    const c = codeAt(text, i);
    if (c === 0x22 /* " */) {
      const end = closingQuote(text, i + 1);
      if (end < 0) return null; // unterminated: JSON.parse says so, at no cost
      i = end;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return `nested deeper than ${maxDepth} levels`;
      if (++values > maxValues) return `more than ${maxValues} values`;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
    else if (c === 0x2c /* , */ && ++values > maxValues) return `more than ${maxValues} values`;
  }
  return null;
}

/** Index of the quote that ends the string starting at `from`, or -1. */
function closingQuote(text: JsonText, from: number): number {
  for (let j = from; ; j++) {
    j = typeof text === 'string' ? text.indexOf('"', j) : text.indexOf(0x22, j);
    if (j < 0) return -1;
    let backslashes = 0;
    for (let k = j - 1; k >= from && codeAt(text, k) === 0x5c; k--) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
}

function codeAt(text: JsonText, i: number): number {
  return typeof text === 'string' ? text.charCodeAt(i) : text[i]!;
}
