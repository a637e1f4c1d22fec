// kamtui serve (README, "Workshops"): connect to the address this page came from, and say why a session ended.
(function () {
  "use strict";

  // The websocket is the page's own address plus "/ws": the one the browser came in on (a LAN address,
  // a name, an https proxy), never the address the server listens on.
  function socketUrl() {
    const url = new URL(window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.pathname = url.pathname.replace(/\/+$/, "") + "/ws";
    url.search = "";
    url.hash = "";
    return url.href;
  }

  // The server closes a session with a reason ("the workshop is full", "closed after 30 minutes
  // without input"): show it instead of a bare "Session ended.".
  const NativeWebSocket = window.WebSocket;
  class ExplainedWebSocket extends NativeWebSocket {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("close", (event) => {
        const message = document.getElementById("closed-message");
        if (message && event.reason) {
          message.textContent = event.reason;
        }
      });
    }
  }
  window.WebSocket = ExplainedWebSocket;

  document.addEventListener("DOMContentLoaded", () => {
    const terminal = document.getElementById("terminal");
    if (terminal) {
      terminal.dataset.sessionWebsocketUrl = socketUrl();
    }
    for (const id of ["start", "restart"]) {
      const button = document.getElementById(id);
      if (button) {
        button.addEventListener("click", () => window.location.reload());
      }
    }
  });
})();
