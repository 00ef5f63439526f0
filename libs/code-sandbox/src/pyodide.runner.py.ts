// The Python side of a Pyodide sandbox process, as source text: installed once per process, before any user code.
// Isolation does not rest on this alone (the process has no files, network, environment or code generation
// to reach); it closes the obvious doors and resets module state between executions.
export const PYTHON_RUNNER = String.raw`
def __shoal_install():
    import builtins, json, sys, traceback, types
    from pyodide.ffi import JsProxy

    # the only modules user code may import (Dify's sandbox offers much the same pure-computation set)
    allowed = frozenset("""
        json re math cmath decimal fractions statistics random datetime time calendar base64 binascii
        hashlib hmac uuid string textwrap unicodedata collections collections.abc itertools functools
        operator typing dataclasses enum copy pprint bisect heapq struct urllib urllib.parse html
        html.entities difflib numbers keyword abc
    """.split())
    real_import = builtins.__import__

    def guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level != 0 or name not in allowed:
            raise ImportError(f"import of '{name}' is not allowed in a code node")
        module = real_import(name, globals, locals, fromlist, level)
        for sub in fromlist or ():
            if isinstance(getattr(module, sub, None), types.ModuleType) and f"{name}.{sub}" not in allowed:
                raise ImportError(f"import of '{name}.{sub}' is not allowed in a code node")
        return module

    for name in sorted(allowed):
        real_import(name)
    # what the runner needs keeps its own references, so user code that replaces them changes nothing here
    loads, dumps, extract_tb, modules = json.loads, json.dumps, traceback.extract_tb, sys.modules

    # no module may hand out a JavaScript object (the way out of Pyodide into the host)
    for mod_name in ("js", "pyodide_js"):
        modules.pop(mod_name, None)
    # nor the functions that make JavaScript objects out of Python ones (to_js and its kin)
    producers = {"to_js", "create_proxy", "create_once_callable", "raw_call", "run_sync", "can_run_sync", "destroy_proxies",
                 "create_promise_converter", "js2py_promise", "register_js_module", "unregister_js_module", "run_js",
                 "pyfetch", "trigger_fatal_error", "jsfinder"}
    for mod in list(modules.values()):
        namespace = getattr(mod, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for key, value in list(namespace.items()):
            if isinstance(value, JsProxy) or key in producers or key.startswith(("py2js", "js2py")):
                namespace.pop(key, None)

    denied_builtins = {"open", "input", "breakpoint", "help", "exit", "quit", "copyright", "credits", "license", "__import__", "__loader__", "__spec__"}
    safe_builtins = {k: v for k, v in builtins.__dict__.items() if k not in denied_builtins}
    safe_builtins["__import__"] = guarded_import

    # module state as it was before any user code, restored before every execution. A change is found by
    # identity (no user __eq__ can lie about it): ~10,000 names, about 1-2 ms, most of an execution's cost
    baseline = {}
    for name, mod in list(modules.items()):
        namespace = getattr(mod, "__dict__", None)
        if isinstance(namespace, dict):
            baseline[name] = (mod, namespace, dict(namespace))

    def reset():
        for name in [n for n in modules if n not in baseline]:
            del modules[name]
        for name, (mod, namespace, state) in baseline.items():
            modules[name] = mod
            if len(namespace) != len(state) or any(namespace.get(k) is not v for k, v in state.items()):
                namespace.clear()
                namespace.update(state)

    def fail(kind, message):
        return dumps({"ok": False, "kind": kind, "message": message})

    def run(code, inputs_json, max_output):
        reset()
        scope = {"__builtins__": dict(safe_builtins), "__name__": "__main__"}
        try:
            exec(compile(code, "<code>", "exec"), scope)
            main = scope.get("main")
            if not callable(main):
                return fail("error", "NameError: the code defines no function main")
            result = main(**loads(inputs_json))
            output = dumps(result, allow_nan=False, ensure_ascii=False)
        except MemoryError:
            return fail("memory", "MemoryError: the code ran out of memory")
        except RecursionError:
            return fail("error", "RecursionError: maximum recursion depth exceeded")
        except BaseException as e:
            line = next((f.lineno for f in reversed(extract_tb(e.__traceback__)) if f.filename == "<code>"), None)
            text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
            return fail("error", f"{text} (line {line})" if line else text)
        if len(output) > max_output:
            return fail("output", f"the output of main is {len(output)} characters of JSON, more than the limit of {max_output}")
        return dumps({"ok": True, "output": output})

    return run

__shoal_run = __shoal_install()
del __shoal_install
__shoal_run
`;
