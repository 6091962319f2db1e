"""The LLM client against a stand-in server: a real HTTP server on loopback that speaks the
OpenAI-compatible chat-completions API and returns a scripted completion (it is not a language model)."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from newsdesk.pipeline.ai.llm import LLMClient, LLMResponseError, LLMUnavailableError, ground
from newsdesk.pipeline.embeddings import HashingEmbedder

SOURCES = [
    "The crew will return to Earth on December 9, landing on the steppe of Kazakhstan.",
    "Roscosmos says the first modules of the new station will be launched in 2027.",
]
SCRIPTED = (
    "The crew will return to Earth on December 9 and land in Kazakhstan [1]. "
    "The first modules of the new Russian station will be launched in 2027 [2]. "
    "The mission cost 450 million dollars and was paid for by Elon Musk [1]."
)


class StandInChatServer(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    reply: Any = None

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StandInChatServer.requests.append({"path": self.path, "body": body})
        payload = StandInChatServer.reply
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    StandInChatServer.requests = []
    StandInChatServer.reply = {
        "id": "stand-in",
        "object": "chat.completion",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": SCRIPTED}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 123, "completion_tokens": 45, "total_tokens": 168},
    }
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandInChatServer)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_rewrite_keeps_grounded_sentences_and_drops_the_invented_one(server: str) -> None:
    with LLMClient(server, "stand-in-model", embedder=HashingEmbedder()) as client:
        result = client.rewrite_summary(SOURCES)
    assert [s.citations for s in result.sentences] == [(0,), (1,)]
    assert "December 9" in result.sentences[0].text and "2027" in result.sentences[1].text
    assert result.dropped == ["The mission cost 450 million dollars and was paid for by Elon Musk."]
    assert (result.prompt_tokens, result.completion_tokens) == (123, 45)
    assert result.latency_s > 0
    sent = StandInChatServer.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["model"] == "stand-in-model"
    assert "[1] The crew will return" in sent["body"]["messages"][1]["content"]


def test_numbers_must_appear_in_the_cited_source() -> None:
    kept, dropped = ground("The crew will return on December 10 [1].", SOURCES)
    assert kept == [] and dropped


def test_bad_replies_and_unreachable_servers_raise_clear_errors(server: str) -> None:
    StandInChatServer.reply = b"not json"
    with LLMClient(server, "m") as client, pytest.raises(LLMResponseError):
        client.rewrite_answer("When?", SOURCES)
    StandInChatServer.reply = {"choices": []}
    with LLMClient(server, "m") as client, pytest.raises(LLMResponseError):
        client.rewrite_answer("When?", SOURCES)
    with LLMClient("http://127.0.0.1:9", "m", timeout=2) as client, pytest.raises(LLMUnavailableError):
        client.rewrite_answer("When?", SOURCES)
    with pytest.raises(ValueError):
        LLMClient("file:///etc/passwd", "m")
