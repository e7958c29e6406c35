# Stepwright's Python runtime bootstrap: runs inside a worker process, imports the function's
# handler as Lambda's Python runtime (awslambdaric) does and serves one invocation at a time.
# Protocol over the process's original stdin/stdout (both then hidden from the handler):
#   parent -> child: a JSON header line {"requestId", "deadlineMs", "length"} then `length` bytes of payload
#   child -> parent: a JSON header line then `length` bytes: {"type": "ready"} |
#                    {"type": "init-error", "body"} | {"type": "result", "ok", "requestId", "body"?, "logs", "maxRssKB"}
#                    where the bytes are the response payload (ok) or empty.
import decimal
import importlib
import io
import json
import os
import signal
import sys
import threading
import time
import traceback

MAX_RESPONSE_BYTES = 6291556
MAX_LOG_CHARS = 1048576

proto_in = os.fdopen(os.dup(0), "rb")
proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
_devnull = os.open(os.devnull, os.O_RDONLY)
os.dup2(_devnull, 0)
# Writes to fd 1 from C code or subprocesses would corrupt the protocol: send them to stderr.
os.dup2(2, 1)


class LogCapture(io.TextIOBase):
    """sys.stdout / sys.stderr during the worker's life: text goes to the current invocation's log."""

    def __init__(self):
        self.chunks = []
        self.size = 0

    def writable(self):
        return True

    def write(self, text):
        if not isinstance(text, str):
            text = str(text)
        if self.size < MAX_LOG_CHARS:
            piece = text[: MAX_LOG_CHARS - self.size]
            self.chunks.append(piece)
            self.size += len(piece)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def take(self):
        text = "".join(self.chunks)
        self.chunks = []
        self.size = 0
        return text


capture = LogCapture()
sys.stdout = capture
sys.stderr = capture
sys.stdin = open(os.devnull, "r")

task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
# Stack traces show the task root as Lambda's /var/task when asked (STEPWRIGHT_TASK_ROOT_ALIAS).
task_root_alias = os.environ.get("STEPWRIGHT_TASK_ROOT_ALIAS")
handler_string = os.environ.get("_HANDLER", "lambda_function.lambda_handler")
sys.path.insert(0, task_root)


def set_memory_limit():
    limit_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
    try:
        import resource

        # The address space already mapped by the interpreter is not the function's to pay for.
        baseline = 0
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    baseline = int(line.split()[1]) * 1024
        limit = baseline + limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except Exception:
        pass


def send(header, data=b""):
    header = dict(header)
    header["length"] = len(data)
    proto_out.write(json.dumps(header).encode("utf-8") + b"\n" + data)


def read_exact(n):
    chunks = []
    while n > 0:
        chunk = proto_in.read(n)
        if not chunk:
            raise EOFError()
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_line():
    line = proto_in.readline()
    if not line.endswith(b"\n"):
        raise EOFError()
    return line[:-1]


def alias_path(text):
    if task_root_alias:
        return text.replace(task_root.rstrip("/"), task_root_alias)
    return text


def stack_trace(tb, skip):
    frames = traceback.extract_tb(tb)[skip:]
    return [alias_path(line) for line in traceback.format_list(frames)]


current_request_id = None


def setup_logging():
    # Lambda's Python runtime gives the root logger a handler that writes
    # "[LEVEL]\t<time>\t<request id>\t<message>" at level WARNING.
    import logging

    class RequestIdFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = current_request_id or ""
            return True

    handler = logging.StreamHandler(capture)
    handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    handler.formatter.converter = time.gmtime
    handler.terminator = ""
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


class LambdaContext:
    def __init__(self, request_id, deadline_ms):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = os.environ.get("STEPWRIGHT_INVOKED_FUNCTION_ARN")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.aws_request_id = request_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


class LambdaEncoder(json.JSONEncoder):
    # awslambdaric turns Decimal into numbers.
    def default(self, o):
        if isinstance(o, decimal.Decimal):
            return float(o) if o % 1 else int(o)
        return super().default(o)


def init_error(error_type, message, stack=None):
    return {"errorMessage": message, "errorType": error_type, "requestId": "", "stackTrace": stack or []}


def load_handler():
    if "." not in handler_string:
        return None, init_error("Runtime.MalformedHandlerName", "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler_string)
    module_path, function_name = handler_string.rsplit(".", 1)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as e:
        return None, init_error(
            "Runtime.UserCodeSyntaxError",
            "Syntax error in module '%s': %s" % (module_name, alias_path(str(e))),
            [alias_path("  File \"%s\" Line %s\n        %s\n" % (e.filename, e.lineno, (e.text or "").strip()))],
        )
    except ImportError as e:
        return None, init_error("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_name, e))
    except Exception as e:
        return None, init_error(type(e).__name__, str(e), stack_trace(e.__traceback__, 0))
    handler = getattr(module, function_name, None)
    if handler is None:
        return None, init_error("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_name))
    return handler, None


def max_rss_kb():
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    except Exception:
        return 0


def invoke(handler, request_id, deadline_ms, payload):
    try:
        event = json.loads(payload) if payload else {}
    except ValueError:
        event = payload.decode("utf-8", "replace")
    context = LambdaContext(request_id, deadline_ms)
    try:
        result = handler(event, context)
    except MemoryError:
        # Lambda kills a runtime over its memory size; do the same so the parent reports it.
        send({"type": "oom", "requestId": request_id, "logs": capture.take()})
        os._exit(137)
    except Exception as e:
        body = {
            "errorMessage": str(e),
            "errorType": type(e).__name__,
            "requestId": request_id,
            "stackTrace": stack_trace(e.__traceback__, 1),
        }
        # Lambda's Python runtime logs the error with its traceback.
        capture.write("[ERROR] %s: %s\nTraceback (most recent call last):\n%s" % (body["errorType"], body["errorMessage"], "".join(body["stackTrace"])))
        return False, body, b""
    if isinstance(result, (bytes, bytearray)):
        data = bytes(result)
    else:
        try:
            data = json.dumps(result, cls=LambdaEncoder).encode("utf-8")
        except Exception as e:
            body = {
                "errorMessage": "Unable to marshal response: %s" % e,
                "errorType": "Runtime.MarshalError",
                "requestId": request_id,
                "stackTrace": [],
            }
            return False, body, b""
    if len(data) > MAX_RESPONSE_BYTES:
        body = {
            "errorMessage": "Response payload size exceeded maximum allowed payload size (%d bytes)." % MAX_RESPONSE_BYTES,
            "errorType": "Function.ResponseSizeTooLarge",
        }
        return False, body, b""
    return True, None, data


def kill_own_group():
    # This process leads its own process group (the server spawns it detached): ending the group
    # ends whatever the handler started too. Only a leader's group id equals its pid.
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def watch_parent(parent):
    # The server may be killed without a word (kill -9) while a handler runs: the orphan is then
    # adopted by init or a subreaper, and its parent pid changes.
    while True:
        if os.getppid() != parent:
            kill_own_group()
        time.sleep(0.2)


def main():
    global current_request_id
    threading.Thread(target=watch_parent, args=(os.getppid(),), name="stepwright-parent-watch", daemon=True).start()
    set_memory_limit()
    setup_logging()
    handler, error = load_handler()
    if error is not None:
        send({"type": "init-error", "body": error, "logs": capture.take()})
        # Wait for the parent to end this process.
        try:
            read_line()
        except EOFError:
            pass
        kill_own_group()
    init_logs = capture.take()
    send({"type": "ready"})
    while True:
        try:
            header = json.loads(read_line())
            payload = read_exact(header["length"])
        except EOFError:
            # The server closed the protocol (stopped or died): nothing of this worker may stay.
            kill_own_group()
        request_id = header["requestId"]
        current_request_id = request_id
        ok, body, data = invoke(handler, request_id, header["deadlineMs"], payload)
        logs = init_logs + capture.take()
        init_logs = ""
        reply = {"type": "result", "requestId": request_id, "ok": ok, "logs": logs, "maxRssKB": max_rss_kb()}
        if body is not None:
            reply["body"] = body
        send(reply, data)


main()
