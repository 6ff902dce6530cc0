#!/usr/bin/env node
// irsa-lint launcher (scripts/bundle.mjs, src/bundle/launch.cts).
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// <define:IRSA_LINT_FILES>
var define_IRSA_LINT_FILES_default = { "irsa-lint.cjs": "af54160ce5ecbcc518c3db4908653c72726e4e58a0990e130e432d86927c85b0", "typescript-estree.cjs": "1c906b5bfec4590c5a72cffabfa0951909d2891a16e700799824422b550960ec", "web-tree-sitter.cjs": "e4109d023bd7fa930115b9ff856cfddade11a29216e27c4396446800d85a48ab" };

// src/bundle/launch.cts
var import_node_fs = __toESM(require("node:fs"));
var import_node_module = require("node:module");
var import_node_os = __toESM(require("node:os"));
var import_node_path = __toESM(require("node:path"));
var import_node_url = require("node:url");
var import_node_vm = __toESM(require("node:vm"));
var PROGRAM = "irsa-lint.cjs";
var MAGIC = Buffer.from("irsa-lint code cache 1\n");
var HEADER = MAGIC.length + 32;
var KEEP = 8;
function codeCacheDir(env = process.env) {
  const setting = env.IRSA_LINT_CODE_CACHE;
  if (setting !== void 0 && /^(off|0|false|no)$/i.test(setting.trim())) return void 0;
  if (setting) return import_node_path.default.resolve(setting);
  try {
    return import_node_path.default.join(env.XDG_CACHE_HOME || import_node_path.default.join(import_node_os.default.homedir(), ".cache"), "irsa-lint", "code-cache");
  } catch {
    return void 0;
  }
}
function runtimeKey() {
  const options = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join("\0");
  let h = 2166136261;
  for (let i = 0; i < options.length; i++) h = Math.imul(h ^ options.charCodeAt(i), 16777619) >>> 0;
  return `${process.version}-${process.arch}-${h.toString(16).padStart(8, "0")}`;
}
function briefRun() {
  const args = process.argv.slice(2);
  return args.length === 1 && ["--version", "-v", "--help", "-h", "help"].includes(args[0]);
}
function header(stat, data, brief) {
  const h = Buffer.alloc(HEADER);
  MAGIC.copy(h, 0);
  h.writeDoubleLE(stat.size, MAGIC.length);
  h.writeDoubleLE(stat.mtimeMs, MAGIC.length + 8);
  h.writeDoubleLE(data.length, MAGIC.length + 16);
  h.writeDoubleLE(brief ? 1 : 0, MAGIC.length + 24);
  return h;
}
function readCache(file, stat) {
  let buf;
  try {
    buf = import_node_fs.default.readFileSync(file);
  } catch {
    return void 0;
  }
  if (buf.length <= HEADER || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return void 0;
  if (buf.readDoubleLE(MAGIC.length) !== stat.size || buf.readDoubleLE(MAGIC.length + 8) !== stat.mtimeMs || buf.readDoubleLE(MAGIC.length + 16) !== buf.length - HEADER) return void 0;
  return { data: buf.subarray(HEADER), brief: buf.readDoubleLE(MAGIC.length + 24) === 1 };
}
function writeCache(dir, file, stat, data, brief) {
  try {
    import_node_fs.default.mkdirSync(dir, { recursive: true, mode: 448 });
    const tmp = `${file}.${process.pid}.tmp`;
    import_node_fs.default.writeFileSync(tmp, Buffer.concat([header(stat, data, brief), data]), { mode: 384 });
    import_node_fs.default.renameSync(tmp, file);
    const files = import_node_fs.default.readdirSync(dir).filter((n) => n.endsWith(".bin")).map((n) => ({ p: import_node_path.default.join(dir, n), t: import_node_fs.default.statSync(import_node_path.default.join(dir, n)).mtimeMs })).sort((a, b) => b.t - a.t);
    for (const f of files.slice(KEEP)) import_node_fs.default.rmSync(f.p, { force: true });
  } catch {
  }
}
function load(l, name) {
  if (l.loaded.has(name)) return l.loaded.get(name);
  const file = import_node_path.default.join(l.dir, name);
  const stat = import_node_fs.default.statSync(file);
  const source = import_node_fs.default.readFileSync(file, "latin1");
  const cacheFile = l.cacheDir && import_node_path.default.join(l.cacheDir, `${define_IRSA_LINT_FILES_default[name].slice(0, 16)}-${runtimeKey()}.bin`);
  const cached = cacheFile ? readCache(cacheFile, stat) : void 0;
  const script = new import_node_vm.default.Script(`(function (exports, require, module, __filename, __dirname) {${source}
})`, { filename: file, cachedData: cached?.data });
  const brief = briefRun();
  if (cacheFile && l.write && (cached === void 0 || script.cachedDataRejected || cached.brief && !brief)) {
    process.once("exit", () => writeCache(l.cacheDir, cacheFile, stat, script.createCachedData(), brief));
  }
  const node = (0, import_node_module.createRequire)(file);
  const require2 = Object.assign((id) => id.startsWith("./") && Object.hasOwn(define_IRSA_LINT_FILES_default, id.slice(2)) ? load(l, id.slice(2)) : node(id), {
    resolve: node.resolve,
    cache: node.cache,
    main: node.main
  });
  const mod = { exports: {} };
  l.loaded.set(name, mod.exports);
  script.runInThisContext().call(mod.exports, mod.exports, require2, mod, file, l.dir);
  l.loaded.set(name, mod.exports);
  return mod.exports;
}
function start(entry, dir) {
  globalThis.__irsaLintWorker = (0, import_node_url.pathToFileURL)(import_node_path.default.join(dir, "parse-worker.cjs")).href;
  const program = load({ dir, cacheDir: codeCacheDir(), write: entry !== "startParseWorker", loaded: /* @__PURE__ */ new Map() }, PROGRAM);
  void program[entry]();
}

// cli.cjs
start("startCli", __dirname);
