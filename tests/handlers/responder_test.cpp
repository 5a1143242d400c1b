// Responder: one answer per request, from any thread; a lost responder still answers.
#include <catch2/catch.hpp>

#include <functional>
#include <optional>
#include <vector>

#include "handlers/http_types.h"

namespace gridcare::handlers {
namespace {

struct Sink {
  Responder Make() {
    return Responder([this](HttpResponse r) { sent.push_back(std::move(r)); },
                     [this](std::function<void()> task) { posted.push_back(std::move(task)); });
  }
  std::vector<HttpResponse> sent;
  std::vector<std::function<void()>> posted;
};

HttpResponse WithStatus(int status) {
  HttpResponse r;
  r.status = status;
  return r;
}

TEST_CASE("a responder sends once, whichever copy sends", "[handlers]") {
  Sink sink;
  {
    const Responder respond = sink.Make();
    const Responder copy = respond;
    copy.Send(WithStatus(201));
    respond.Send(WithStatus(500));
  }
  REQUIRE(sink.sent.size() == 1);
  CHECK(sink.sent[0].status == 201);
}

TEST_CASE("a responder dropped without an answer answers 500 for the handler", "[handlers]") {
  Sink sink;
  { const Responder respond = sink.Make(); }
  REQUIRE(sink.sent.size() == 1);
  CHECK(sink.sent[0].status == 500);
  CHECK(sink.sent[0].body.find("no response was produced") != std::string::npos);
}

TEST_CASE("Then observes the answer before passing it on, Post goes to the connection",
          "[handlers]") {
  Sink sink;
  std::optional<int> observed;
  {
    const Responder respond = sink.Make();
    const Responder timed = respond.Then([&](const HttpResponse& r) {
      observed = r.status;
      CHECK(sink.sent.empty());  // observed first
    });
    bool ran = false;
    timed.Post([&] { ran = true; });
    REQUIRE(sink.posted.size() == 1);
    CHECK_FALSE(ran);
    sink.posted[0]();
    CHECK(ran);
    timed.Send(WithStatus(200));
  }
  CHECK(observed == 200);
  REQUIRE(sink.sent.size() == 1);
  CHECK(sink.sent[0].status == 200);
}

}  // namespace
}  // namespace gridcare::handlers
