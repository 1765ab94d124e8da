/**
 * Repeated JSON object members (`{"KeyId":"A","KeyId":"B"}`): `JSON.parse` keeps the last one silently, so a body
 * could be read one way by a proxy or policy engine and another way here. The API refuses them, as the GET form
 * refuses a repeated parameter.
 */

/**
 * The first member name that appears twice in one object of `text`, compared after unescaping (`"\u0041lias"` is
 * `Alias`), or undefined when there is none. `text` must be valid JSON (run after `JSON.parse` succeeded); one pass,
 * no allocation for objects without escaped names beyond one Set per object.
 */
export function repeatedMember(text: string): string | undefined {
  const stack: (Set<string> | null)[] = []; // a Set of names per open object, null per open array
  let expectName = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j += 2;
        } else if (d === 0x22) break;
        else j++;
      }
      if (expectName) {
        const names = stack[stack.length - 1]!;
        const name = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        if (names.has(name)) return name;
        names.add(name);
        expectName = false;
      }
      i = j;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      expectName = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      expectName = stack[stack.length - 1] !== null;
    }
  }
  return undefined;
}
