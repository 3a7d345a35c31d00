// serverless.yml's `custom.esbuild.plugins` names this file: serverless-esbuild requires it and hands
// the array to every function's esbuild.build. bench/bundles.ts loads it the same way, so the bench
// measures the bundles that deploy.
const { readFileSync, writeFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { decode, encode } = require('@jridgewell/sourcemap-codec');

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
  const nameOf = (index) => {
    const original = map.names[index];
    if (!nameIndex.has(original)) {
      nameIndex.set(original, names.length);
      names.push(original);
    }
    return nameIndex.get(original);
  };

  // Segments decoded to absolute values: [generated column, source, line, column, name?].
  const lines = decode(map.mappings).map((segments) => {
    const kept = [];
    let unmapped = false; // whether the last segment kept on this line maps to nothing
    for (const [column, source, ...rest] of segments) {
      const to = source === undefined ? undefined : sourceIndex[source];
      if (to === undefined) {
        if (!unmapped) kept.push([column]);
        unmapped = true;
        continue;
      }
      const [line, originalColumn, name] = rest;
      kept.push(
        name === undefined
          ? [column, to, line, originalColumn]
          : [column, to, line, originalColumn, nameOf(name)],
      );
      unmapped = false;
    }
    return kept;
  });
  return {
    ...map,
    sources,
    ...(sourcesContent ? { sourcesContent } : {}),
    names,
    mappings: encode(lines),
  };
}

/**
 * `.describe(...)` calls on the plan schema, found with TypeScript's own parser. They document the
 * plan for its JSON Schema (schema/plan.schema.json) and the editor; a function validates a plan
 * without them, and they were half of the schema in every function.
 */
function describeCalls(text) {
  const ts = require('typescript');
  const source = ts.createSourceFile('schema.ts', text, ts.ScriptTarget.Latest, true);
  const spans = [];
  const visit = (node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      node.expression.name.text === 'describe'
    ) {
      // From the dot to the closing parenthesis; what it was called on stays.
      spans.push([node.expression.expression.getEnd(), node.getEnd()]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return spans;
}

/** The text without those calls; each keeps its newlines, so every line of the file stays where it was. */
function withoutDescriptions(text) {
  let out = '';
  let at = 0;
  for (const [start, end] of describeCalls(text).sort((a, b) => a[0] - b[0])) {
    if (start < at) continue; // inside a call already removed
    out += text.slice(at, start) + text.slice(start, end).replace(/[^\n]/g, '');
    at = end;
  }
  return out + text.slice(at);
}

const planSchemaWithoutDescriptions = {
  name: 'plan-schema-without-descriptions',
  setup(build) {
    build.onLoad({ filter: /[/\\]src[/\\]plan[/\\]schema\.ts$/ }, (args) => ({
      contents: withoutDescriptions(readFileSync(args.path, 'utf8')),
      loader: 'ts',
    }));
  },
};

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

module.exports = [planSchemaWithoutDescriptions, ourSourceMapsOnly];
