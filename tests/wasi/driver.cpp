// Test driver for WASI: runs the same program natively, under `hailmary run`, through the
// library API (in-memory stdio) and under Node's WASI, and compares what they print.
//
//   wasi_driver diff --native EXE --wasm MOD --cli HAILMARY [--stdin FILE] [--arg A]...
//                    [--env K=V]...
//   wasi_driver node --native EXE --wasm MOD --node NODE --runner JS [same options as diff]
//   wasi_driver golden --wasm MOD --cli HAILMARY --expected FILE     (sandbox tests)
//   wasi_driver workload --case NAME --shared DIR --cli HAILMARY --mode cli|api
//   wasi_driver cli --cli HAILMARY [--expect-ok] [--stdout-has TEXT] -- ARGS...
//
// Exit 0 = pass, 1 = fail, 77 = skipped (ctest SKIP_RETURN_CODE).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "hailmary/hailmary.hpp"
#include "hailmary/wasi.hpp"
#include "sha256.hpp"

extern char** environ;

namespace fs = std::filesystem;
using namespace hailmary;

namespace {

constexpr int kSkip = 77;

struct Output {
  int status = 0;
  std::string out, err;
  double seconds = 0;
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, std::string_view data) {
  std::ofstream out(p, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

/// A fresh temporary folder, removed when the object dies.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "hm-wasi-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

/// Run argv with stdin from `stdin_file` (or /dev/null), capturing stdout and stderr.
/// `env` replaces the environment when given.
Output spawn(const std::vector<std::string>& argv, const std::string& stdin_file,
             const std::vector<std::string>* env = nullptr) {
  TempDir io;
  fs::path out_path = io.path / "out", err_path = io.path / "err";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, stdin_file.empty() ? "/dev/null" : stdin_file.c_str(),
                                   O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  if (env) {
    for (auto& e : *env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  auto t0 = std::chrono::steady_clock::now();
  pid_t pid = 0;
  Output o;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), env ? envp.data() : environ) != 0) {
    o.status = 127;
    o.err = "cannot spawn " + argv[0];
    return o;
  }
  int st = 0;
  waitpid(pid, &st, 0);
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  posix_spawn_file_actions_destroy(&fa);
  o.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  o.out = read_file(out_path);
  o.err = read_file(err_path);
  return o;
}

/// The library path: the same run as `hailmary run`, but with in-memory stdio.
Output run_api(const std::string& wasm, const std::vector<std::string>& args,
               const std::vector<std::pair<std::string, std::string>>& env,
               const std::vector<wasi::Preopen>& preopens, const std::string& stdin_file) {
  Output o;
  auto t0 = std::chrono::steady_clock::now();
  Engine engine;
  auto module = Module::from_file(engine, wasm);
  if (!module) {
    o.status = 255;
    o.err = module.error().to_string();
    return o;
  }
  Store store(engine);
  Linker linker(store);
  wasi::WasiConfig config;
  config.args = args;
  config.env = env;
  config.preopens = preopens;
  auto out = std::make_shared<std::string>(), err = std::make_shared<std::string>();
  config.stdin_stream =
      stdin_file.empty() ? wasi::Stdio::null() : wasi::Stdio::input(read_file(stdin_file));
  config.stdout_stream = wasi::Stdio::capture(out);
  config.stderr_stream = wasi::Stdio::capture(err);
  auto code = wasi::run_command(linker, *module, std::move(config));
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  o.out = *out;
  o.err = *err;
  if (code) {
    o.status = *code & 0xff;
  } else {
    o.status = 255;
    o.err += code.error().to_string();
  }
  return o;
}

struct Args {
  std::map<std::string, std::vector<std::string>> opt;
  std::vector<std::string> rest;  // after "--"
  std::string get(const std::string& k) const {
    auto it = opt.find(k);
    return it == opt.end() || it->second.empty() ? "" : it->second.back();
  }
  const std::vector<std::string>& all(const std::string& k) const {
    static const std::vector<std::string> none;
    auto it = opt.find(k);
    return it == opt.end() ? none : it->second;
  }
  bool has(const std::string& k) const { return opt.count(k) != 0; }
};

Args parse(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--") {
      a.rest.assign(argv + i + 1, argv + argc);
      break;
    }
    if (s == "--expect-ok" || s == "--any-stderr") {
      a.opt[s];
      continue;
    }
    if (i + 1 < argc) a.opt[s].push_back(argv[++i]);
  }
  return a;
}

/// The fixture every program run gets: box/ (the sandbox), ro/ (read-only), and outside/
/// with links planted in box pointing out of it.
void make_layout(const fs::path& t) {
  fs::create_directories(t / "box" / "sub");
  fs::create_directories(t / "outside");
  fs::create_directories(t / "ro");
  write_file(t / "outside" / "secret.txt", "top secret\n");
  write_file(t / "ro" / "readme.txt", "read me\n");
  write_file(t / "box" / "sub" / "file.txt", "inside\n");
  fs::create_symlink("../outside", t / "box" / "up");
  fs::create_symlink(t / "outside", t / "box" / "abs");
  fs::create_symlink("..", t / "box" / "updir");
  fs::create_symlink("loop", t / "box" / "loop");
  fs::create_symlink("sub/file.txt", t / "box" / "inner");
  fs::create_symlink("sub/../../outside/secret.txt", t / "box" / "sneaky");
}

bool same(const std::string& what, const Output& want, const Output& got) {
  bool ok = true;
  if (want.status != got.status) {
    std::cout << what << ": exit status " << got.status << ", expected " << want.status << "\n";
    ok = false;
  }
  if (want.out != got.out) {
    std::cout << what << ": stdout differs\n--- expected\n"
              << want.out << "--- got\n"
              << got.out << "---\n";
    ok = false;
  }
  if (!ok && !got.err.empty()) std::cout << what << " stderr:\n" << got.err << "\n";
  return ok;
}

std::vector<std::pair<std::string, std::string>> env_pairs(const Args& a) {
  std::vector<std::pair<std::string, std::string>> env;
  for (auto& e : a.all("--env")) {
    auto eq = e.find('=');
    env.emplace_back(e.substr(0, eq), e.substr(eq + 1));
  }
  return env;
}

/// Run the module under the CLI, the API and (optionally) Node in fresh fixtures.
/// with_node: Node only (the differential test); otherwise our CLI and our library API.
std::vector<std::pair<std::string, Output>> run_wasm_backends(const Args& a, bool with_node,
                                                              bool check_outside) {
  std::vector<std::pair<std::string, Output>> results;
  std::string wasm = a.get("--wasm");
  std::vector<std::string> guest_args = {"/sandbox", "/ro"};
  for (auto& x : a.all("--arg")) guest_args.push_back(x);
  auto verify_outside = [&](const fs::path& t, Output& o) {
    if (!check_outside) return;
    // Escape attempts must leave everything outside the sandbox as it was.
    if (read_file(t / "outside" / "secret.txt") != "top secret\n") o.out += "!! secret changed\n";
    size_t n = 0;
    for (auto& e : fs::directory_iterator(t / "outside")) n += e.path().filename() != "" ? 1 : 0;
    if (n != 1) o.out += "!! files appeared outside\n";
    n = 0;
    for (auto& e : fs::directory_iterator(t)) n += e.path().filename() != "" ? 1 : 0;
    if (n != 3) o.out += "!! files appeared next to the sandbox\n";
  };
  if (!with_node) {
    TempDir t;
    make_layout(t.path);
    std::vector<std::string> cmd = {a.get("--cli"), "run",
                                    "--dir",        (t.path / "box").string() + "::/sandbox",
                                    "--dir-ro",     (t.path / "ro").string() + "::/ro"};
    for (auto& e : a.all("--env")) cmd.insert(cmd.begin() + 2, {"--env", e});
    cmd.push_back(wasm);
    cmd.insert(cmd.end(), guest_args.begin(), guest_args.end());
    Output o = spawn(cmd, a.get("--stdin"));
    verify_outside(t.path, o);
    results.emplace_back("hailmary run", o);
  }
  if (!with_node) {
    TempDir t;
    make_layout(t.path);
    std::vector<std::string> args = {wasm};
    args.insert(args.end(), guest_args.begin(), guest_args.end());
    Output o = run_api(wasm, args, env_pairs(a),
                       {{t.path / "box", "/sandbox", false}, {t.path / "ro", "/ro", true}},
                       a.get("--stdin"));
    verify_outside(t.path, o);
    results.emplace_back("library API", o);
  }
  if (with_node) {
    TempDir t;
    make_layout(t.path);
    std::vector<std::string> cmd = {a.get("--node"),
                                    "--no-warnings",
                                    a.get("--runner"),
                                    "--dir",
                                    (t.path / "box").string() + "::/sandbox",
                                    "--dir",
                                    (t.path / "ro").string() + "::/ro"};
    for (auto& e : a.all("--env")) cmd.insert(cmd.end(), {"--env", e});
    cmd.push_back("--");
    cmd.push_back(wasm);
    cmd.insert(cmd.end(), guest_args.begin(), guest_args.end());
    cmd.push_back("--node");  // lets a program skip what Node's WASI does not implement
    results.emplace_back("node:wasi", spawn(cmd, a.get("--stdin")));
  }
  return results;
}

Output run_native(const Args& a, bool node_flag) {
  TempDir t;
  make_layout(t.path);
  std::vector<std::string> cmd = {a.get("--native"), (t.path / "box").string(),
                                  (t.path / "ro").string()};
  for (auto& x : a.all("--arg")) cmd.push_back(x);
  if (node_flag) cmd.push_back("--node");
  std::vector<std::string> env = a.all("--env");
  return spawn(cmd, a.get("--stdin"), &env);
}

int cmd_diff(const Args& a) {
  Output native = run_native(a, false);
  std::cout << "native: exit " << native.status << ", " << native.out.size() << " bytes\n";
  bool ok = true;
  for (auto& [name, o] : run_wasm_backends(a, false, false)) ok &= same(name, native, o);
  return ok ? 0 : 1;
}

/// Node's WASI against the native build; the program (both builds) gets "--node" and skips
/// what Node's WASI implements differently (documented in each program).
int cmd_node(const Args& a) {
  if (a.get("--node").empty() || !fs::exists(a.get("--node"))) {
    std::cout << "skipped: node not found\n";
    return kSkip;
  }
  Output native = run_native(a, true);
  bool ok = true;
  for (auto& [name, o] : run_wasm_backends(a, true, false)) ok &= same(name, native, o);
  return ok ? 0 : 1;
}

int cmd_golden(const Args& a) {
  Output want;
  want.out = read_file(a.get("--expected"));
  want.status = a.has("--status") ? std::stoi(a.get("--status")) : 0;
  bool ok = true;
  for (auto& [name, o] : run_wasm_backends(a, false, true)) ok &= same(name, want, o);
  return ok ? 0 : 1;
}

struct Case {
  const char* name;
  const char* module;
  std::vector<std::string> args;
  const char* stdin_file;  // relative to workloads/
  const char* expected;    // stdout file, or nullptr
  const char* sha;         // stdout sha256 file, or nullptr
};

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"lua_fib", "lua.wasm", {"/sandbox/lua/fib.lua"}, nullptr, "lua_fib.txt", nullptr},
      {"lua_strings",
       "lua.wasm",
       {"/sandbox/lua/strings.lua"},
       nullptr,
       "lua_strings.txt",
       nullptr},
      {"lua_nbody", "lua.wasm", {"/sandbox/lua/nbody.lua"}, nullptr, "lua_nbody.txt", nullptr},
      {"lua_bintrees",
       "lua.wasm",
       {"/sandbox/lua/bintrees.lua"},
       nullptr,
       "lua_bintrees.txt",
       nullptr},
      {"gzip_corpus", "minigzip.wasm", {}, "inputs/corpus.txt", nullptr, "minigzip_corpus.sha256"},
      {"gunzip_corpus", "minigzip.wasm", {"-d"}, "inputs/corpus.txt.gz", nullptr, "corpus.sha256"},
      {"gzip9_mixed",
       "minigzip.wasm",
       {"-9"},
       "inputs/mixed.bin",
       nullptr,
       "minigzip9_mixed.sha256"},
      {"zlib_example",
       "example.wasm",
       {"/sandbox/scratch/foo.gz"},
       nullptr,
       "zlib_example_wasm32.txt",
       nullptr},
      {"minigzip_file", "minigzip.wasm", {"/sandbox/scratch/c.txt"}, nullptr, nullptr, nullptr},
  };
  return c;
}

std::string first_token(const std::string& s) {
  return s.substr(0, s.find_first_of(" \t\n"));
}

int cmd_workload(const Args& a) {
  fs::path w = fs::path(a.get("--shared")) / "workloads";
  if (!fs::exists(w / "wasm")) {
    std::cout << "skipped: " << w << " is absent\n";
    return kSkip;
  }
  const Case* c = nullptr;
  for (auto& x : cases()) {
    if (x.name == a.get("--case")) c = &x;
  }
  if (!c) {
    std::cout << "unknown case " << a.get("--case") << "\n";
    return 1;
  }
  TempDir scratch;
  std::string corpus_sha;
  if (std::string(c->name) == "minigzip_file") {
    fs::copy_file(w / "inputs" / "corpus.txt", scratch.path / "c.txt");
  }
  std::string wasm = (w / "wasm" / c->module).string();
  std::string stdin_file = c->stdin_file ? (w / c->stdin_file).string() : "";
  Output o;
  if (a.get("--mode") == "api") {
    std::vector<std::string> args = {c->module};
    args.insert(args.end(), c->args.begin(), c->args.end());
    o = run_api(wasm, args, {}, {{w, "/sandbox", true}, {scratch.path, "/sandbox/scratch", false}},
                stdin_file);
  } else {
    std::vector<std::string> cmd = {a.get("--cli"),
                                    "run",
                                    "--dir-ro",
                                    w.string() + "::/sandbox",
                                    "--dir",
                                    scratch.path.string() + "::/sandbox/scratch",
                                    wasm};
    cmd.insert(cmd.end(), c->args.begin(), c->args.end());
    o = spawn(cmd, stdin_file);
  }
  std::cout << c->name << " (" << a.get("--mode") << "): " << o.seconds << " s wall\n";
  bool ok = o.status == 0;
  if (!ok) std::cout << "exit status " << o.status << "\n" << o.err << "\n";
  if (c->expected) {
    std::string want = read_file(w / "expected" / c->expected);
    if (o.out != want) {
      std::cout << "stdout differs from expected/" << c->expected << " (" << o.out.size() << " vs "
                << want.size() << " bytes)\n"
                << o.out.substr(0, 2000) << "\n";
      ok = false;
    }
  }
  if (c->sha) {
    std::string want = first_token(read_file(w / "expected" / c->sha));
    std::string got = test::sha256_hex(o.out);
    if (got != want) {
      std::cout << "sha256 of stdout " << got << ", expected " << want << "\n";
      ok = false;
    }
  }
  if (std::string(c->name) == "minigzip_file") {
    std::string want = first_token(read_file(w / "expected" / "minigzip_corpus.sha256"));
    if (fs::exists(scratch.path / "c.txt")) {
      std::cout << "c.txt was not removed\n";
      ok = false;
    }
    std::string got = test::sha256_hex(read_file(scratch.path / "c.txt.gz"));
    if (got != want) {
      std::cout << "sha256 of c.txt.gz " << got << ", expected " << want << "\n";
      ok = false;
    }
  }
  return ok ? 0 : 1;
}

/// The command line's contract for errors: non-zero, exactly one line on stderr.
int cmd_cli(const Args& a) {
  std::vector<std::string> cmd = {a.get("--cli")};
  cmd.insert(cmd.end(), a.rest.begin(), a.rest.end());
  Output o = spawn(cmd, "");
  std::cout << "exit " << o.status << "\nstdout:\n" << o.out << "stderr:\n" << o.err;
  bool ok = true;
  if (a.has("--expect-ok")) {
    ok = o.status == 0;
  } else if (a.has("--any-stderr")) {
    ok = o.status != 0;
  } else {
    size_t lines = static_cast<size_t>(std::count(o.err.begin(), o.err.end(), '\n'));
    ok = o.status != 0 && lines == 1 && o.err.back() == '\n' && o.out.empty();
  }
  for (auto& want : a.all("--stdout-has")) ok &= o.out.find(want) != std::string::npos;
  for (auto& want : a.all("--stderr-has")) ok &= o.err.find(want) != std::string::npos;
  if (a.has("--status")) ok &= o.status == std::stoi(a.get("--status"));
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: wasi_driver diff|golden|workload|cli ...\n";
    return 2;
  }
  std::string cmd = argv[1];
  Args a = parse(argc, argv, 2);
  if (cmd == "diff") return cmd_diff(a);
  if (cmd == "node") return cmd_node(a);
  if (cmd == "golden") return cmd_golden(a);
  if (cmd == "workload") return cmd_workload(a);
  if (cmd == "cli") return cmd_cli(a);
  std::cerr << "unknown driver command " << cmd << "\n";
  return 2;
}
