// Shrinks what wasm-bindgen writes, after Trunk built it (called from scripts/postbuild.mjs).
//
// wasm-bindgen names every import after the JS function it calls plus a 16-digit hash
// (`__wbg_createElement_de4a31ed2fb252be`), once in the wasm's import section and once as a key of
// the JS glue's import object, and it leaves the glue unminified. Random hashes do not compress:
// for the injection page they were 3.5 KB of brotli. Here each import of the glue's module gets a
// short name (`a`, `b`, … `ba`, …) in both files, the module itself is renamed `w`, and the glue is
// minified with terser. Custom sections (tool metadata) are dropped; nothing else in the wasm changes.
import { minify } from "terser";

/** Reads an unsigned LEB128 at `pos`: [value, next position]. */
function leb(bytes, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, pos];
  }
}

/** Writes an unsigned LEB128. */
function uleb(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

/** `a`, `b`, … `z`, `ba`, `bb`, …: short, distinct, never a JS keyword or `__proto__`. */
function shortName(index) {
  let name = "";
  do {
    name = String.fromCharCode(97 + (index % 26)) + name;
    index = Math.floor(index / 26);
  } while (index > 0);
  return name;
}

/** Skips an import's description (function, table, memory or global) from `pos`. */
function skipImportDesc(bytes, pos) {
  const kind = bytes[pos++];
  const limits = (p) => {
    const [flags, q] = leb(bytes, p);
    let r = leb(bytes, q)[1];
    if (flags & 1) r = leb(bytes, r)[1];
    return r;
  };
  switch (kind) {
    case 0: return leb(bytes, pos)[1];
    case 1: return limits(pos + 1);
    case 2: return limits(pos);
    case 3: return pos + 2;
    default: throw new Error(`glue: unknown import kind ${kind}`);
  }
}

/**
 * Renames the imports that module `glueModule` (e.g. `./meshsim-web_bg.js`) provides, and the
 * functions wasm-bindgen exports for the glue (`__wbindgen_malloc`, closure trampolines, …).
 * Returns the new wasm bytes and the renaming (old name → new name) the glue must follow.
 */
export function renameImports(wasm, glueModule) {
  const text = new TextDecoder();
  const encode = (s) => [...new TextEncoder().encode(s)];
  // A name in the wasm: its LEB128 length, then its UTF-8 bytes.
  const readName = (p) => {
    const [len, start] = leb(wasm, p);
    return [text.decode(wasm.subarray(start, start + len)), start + len];
  };
  const pushName = (body, name) => body.push(...uleb(encode(name).length), ...encode(name));
  const renames = new Map();
  const exportRenames = new Map();
  const out = [...wasm.subarray(0, 8)];
  let pos = 8;
  while (pos < wasm.length) {
    const id = wasm[pos];
    const [size, start] = leb(wasm, pos + 1);
    const end = start + size;
    if (id === 0) {
      // Custom sections ("producers", "target_features") are for tools, not browsers: drop them.
      pos = end;
      continue;
    }
    if (id === 7) {
      // Exports the glue calls get short names too (`$a`, `$b`, …: never an import's name).
      let [count, p] = leb(wasm, start);
      const body = uleb(count);
      while (count-- > 0) {
        let name;
        [name, p] = readName(p);
        const kind = wasm[p];
        const indexEnd = leb(wasm, p + 1)[1];
        let newName = name;
        if (kind === 0 && /^(__wbindgen_|__externref_|wasm_bindgen__)\w+$/.test(name)) {
          newName = "$" + shortName(exportRenames.size);
          exportRenames.set(name, newName);
        }
        pushName(body, newName);
        for (let i = p; i < indexEnd; i++) body.push(wasm[i]);
        p = indexEnd;
      }
      out.push(7, ...uleb(body.length), ...body);
      pos = end;
      continue;
    }
    if (id !== 2) {
      for (let i = pos; i < end; i++) out.push(wasm[i]);
      pos = end;
      continue;
    }
    let [count, p] = leb(wasm, start);
    const body = uleb(count);
    while (count-- > 0) {
      let module, name;
      [module, p] = readName(p);
      [name, p] = readName(p);
      const descEnd = skipImportDesc(wasm, p);
      let newModule = module;
      let newName = name;
      if (module === glueModule) {
        newModule = "w";
        if (!renames.has(name)) renames.set(name, shortName(renames.size));
        newName = renames.get(name);
      }
      pushName(body, newModule);
      pushName(body, newName);
      for (let i = p; i < descEnd; i++) body.push(wasm[i]);
      p = descEnd;
    }
    out.push(2, ...uleb(body.length), ...body);
    pos = end;
  }
  for (const [from, to] of exportRenames) renames.set(from, to);
  return { wasm: Uint8Array.from(out), renames };
}

/** Applies the renaming to the glue and minifies it. */
export async function shrinkGlue(js, glueModule, renames) {
  const quotedModule = JSON.stringify(glueModule);
  if (!js.includes(quotedModule)) throw new Error(`glue: the JS glue never names ${quotedModule}`);
  js = js.replaceAll(quotedModule, '"w"');
  for (const [from, to] of renames) {
    // `$` is not a word character: match names that are not part of a longer identifier.
    const pattern = new RegExp(`(?<![\\w$])${from}(?![\\w$])`, "g");
    if (!pattern.test(js)) {
      // An export the glue never calls needs no change there; a missing import is a wrong guess.
      if (to.startsWith("$")) continue;
      throw new Error(`glue: import ${from} is not in the JS glue`);
    }
    js = js.replace(pattern, to);
  }
  const result = await minify(js, { module: true, compress: true, mangle: true });
  return result.code;
}
