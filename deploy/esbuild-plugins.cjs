// serverless.yml's `custom.esbuild.plugins` names this file: serverless-esbuild requires it and hands
// the array to every function's esbuild.build. bench/bundles.ts loads it the same way, so the bench
// measures the bundles that deploy.
const { readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, value) => [char, value]));

/** One mapping segment's fields (`gen column[, source, line, column[, name]]`), each a delta. */
function decodeSegment(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`source map: '${char}' is not a base64 VLQ digit`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function encodeSegment(values) {
  let text = '';
  for (const value of values) {
    let rest = value < 0 ? (-value << 1) | 1 : value << 1;
    do {
      let digit = rest & 31;
      rest >>>= 5;
      if (rest > 0) digit |= 32;
      text += BASE64[digit];
    } while (rest > 0);
  }
  return text;
}

const isPackage = (source) => /(^|[/\\])node_modules[/\\]/.test(source);

/**
 * The map with only the mappings whose source is our code: the segments that point into
 * node_modules are dropped, and their sources and names with them.
 *
 * In place of each run of dropped segments goes one segment with no source, so that the code
 * there maps to nothing rather than to whatever of ours precedes it on the same (long, minified)
 * line. A stack frame in src/ or handlers/ still resolves to its file, line and column, exactly as
 * with the full map; a frame in the AWS SDK or another package shows its minified position in
 * handlers/<name>.js instead. We accept that: the full map was over half of every zip, those frames
 * are for the package's authors, and the error and the frames of ours that called into the package
 * still say what failed and where.
 */
function ourCodeOnly(map) {
  const sourceIndex = [];
  const sources = [];
  const sourcesContent = map.sourcesContent ? [] : undefined;
  map.sources.forEach((source, i) => {
    if (isPackage(source)) return;
    sourceIndex[i] = sources.length;
    sources.push(source);
    sourcesContent?.push(map.sourcesContent[i] ?? null);
  });
  const nameIndex = new Map();
  const names = [];

  // Absolute values across the whole map (but the generated column, per line), in and out.
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  const out = { source: 0, line: 0, column: 0, name: 0 };
  const lines = map.mappings.split(';').map((segments) => {
    let genColumn = 0;
    let outGenColumn = 0;
    let unmapped = false; // whether the last segment written on this line maps to nothing
    const kept = [];
    const write = (fields) => {
      kept.push(encodeSegment([fields[0] - outGenColumn, ...fields.slice(1)]));
      outGenColumn = fields[0];
    };
    for (const segment of segments === '' ? [] : segments.split(',')) {
      const fields = decodeSegment(segment);
      genColumn += fields[0];
      if (fields.length === 1) {
        if (!unmapped) write([genColumn]);
        unmapped = true;
        continue;
      }
      source += fields[1];
      line += fields[2];
      column += fields[3];
      if (fields.length === 5) name += fields[4];
      const to = sourceIndex[source];
      if (to === undefined) {
        if (!unmapped) write([genColumn]);
        unmapped = true;
        continue;
      }
      const written = [genColumn, to - out.source, line - out.line, column - out.column];
      out.source = to;
      out.line = line;
      out.column = column;
      if (fields.length === 5) {
        const original = map.names[name];
        if (!nameIndex.has(original)) {
          nameIndex.set(original, names.length);
          names.push(original);
        }
        const index = nameIndex.get(original);
        written.push(index - out.name);
        out.name = index;
      }
      write(written);
      unmapped = false;
    }
    return kept.join(',');
  });
  return {
    ...map,
    sources,
    ...(sourcesContent ? { sourcesContent } : {}),
    names,
    mappings: lines.join(';'),
  };
}

const ourSourceMapsOnly = {
  name: 'our-source-maps-only',
  setup(build) {
    // The metafile names the .map files written to disk; the build's caller asked for it or not,
    // and serverless-esbuild only writes it out when its own options ask.
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      if (result.errors.length > 0) return;
      if (result.outputFiles) {
        // write: false (the tests): rewrite the files in memory.
        result.outputFiles = result.outputFiles.map((file) => {
          if (!file.path.endsWith('.map')) return file;
          const contents = Buffer.from(JSON.stringify(ourCodeOnly(JSON.parse(file.text))));
          return { path: file.path, contents, hash: file.hash, text: contents.toString() };
        });
        return;
      }
      const workingDir = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const output of Object.keys(result.metafile?.outputs ?? {})) {
        if (!output.endsWith('.map')) continue;
        const path = resolve(workingDir, output);
        writeFileSync(path, JSON.stringify(ourCodeOnly(JSON.parse(readFileSync(path, 'utf8')))));
      }
    });
  },
};

module.exports = [ourSourceMapsOnly];
