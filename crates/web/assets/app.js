// baoxiu: the little that needs a script. Everything works without it except drawing a
// signature; it only adds comfort.
(function () {
  "use strict";

  // A signature drawn with a finger, a pen or a mouse (pointer events), kept in the hidden
  // input named by data-into as a PNG data URL.
  function signaturePad(canvas) {
    var input = document.getElementById(canvas.dataset.into);
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;
    function fit() {
      var r = canvas.getBoundingClientRect(), s = window.devicePixelRatio || 1;
      canvas.width = r.width * s; canvas.height = r.height * s;
      ctx.scale(s, s); ctx.lineWidth = 2.2; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#111";
    }
    function at(e) { var r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = at(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = at(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; e.preventDefault();
    });
    function end() { if (drawing && drawn) input.value = canvas.toDataURL("image/png"); drawing = false; }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var clear = document.querySelector("[data-clear='" + canvas.id + "']");
    if (clear) clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); input.value = ""; drawn = false;
    });
    fit();
  }

  // The intake form shows the fields of the chosen template only.
  function templateFields(select) {
    function show() {
      document.querySelectorAll("[data-template]").forEach(function (el) {
        var on = el.dataset.template.split(" ").indexOf(select.value) >= 0;
        el.hidden = !on;
        el.querySelectorAll("input, select, textarea").forEach(function (i) { i.disabled = !on; });
      });
    }
    if (select.tagName === "SELECT") select.addEventListener("change", show);
    show();
  }

  // The dispatch board: cards move as orders change (server-sent events). The browser
  // reconnects by itself; after a drop the board is redrawn from the server, so no change
  // is missed.
  function liveBoard(board) {
    var live = document.getElementById("live");
    var lost = false;
    function status(on) {
      live.textContent = on ? live.dataset.on : live.dataset.off;
      live.classList.toggle("off", !on);
    }
    function recount() {
      board.querySelectorAll("[data-column]").forEach(function (col) {
        var n = board.querySelector("[data-count='" + col.dataset.column + "']");
        if (n) n.textContent = col.children.length;
      });
    }
    function redraw() {
      fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("board");
        if (fresh) board.innerHTML = fresh.innerHTML;
      });
    }
    var events = new EventSource(board.dataset.events);
    events.addEventListener("open", function () { status(true); if (lost) { lost = false; redraw(); } });
    events.addEventListener("error", function () { status(false); lost = true; });
    events.addEventListener("resync", redraw);
    events.addEventListener("order", function (e) {
      var change = JSON.parse(e.data);
      var old = document.getElementById("card-" + change.id);
      if (old) old.remove();
      if (change.column) {
        var column = board.querySelector("[data-column='" + change.column + "']");
        if (column) {
          var holder = document.createElement("div");
          holder.innerHTML = change.html;
          var card = holder.firstElementChild;
          card.classList.add("fresh");
          column.prepend(card);
        }
      }
      recount();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.getElementById("board");
    if (board && window.EventSource) liveBoard(board);
    document.querySelectorAll("canvas.signature").forEach(signaturePad);
    var t = document.getElementById("template");
    if (t) templateFields(t);
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () {
        document.querySelector(".slip").classList.toggle("a5", b.dataset.print === "a5");
        window.print();
      });
    });
  });
})();
