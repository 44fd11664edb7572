/* 查询进度: check the code here, derive its record key, show the record.

   Without this script (or without WebCrypto, which browsers give only to
   https:// and localhost pages) the form GETs /api/track, which checks the
   code the same way and redirects to the static status page.

   The code rules are those of intake/chalicelib/tracking.py (ported here:
   keep them in step): Crockford base32, look-alikes I/L -> 1 and O -> 0,
   case, spaces and dashes ignored, 8 symbols + a Luhn mod 32 check symbol.
   The key is hex(PBKDF2-HMAC-SHA256(code, salt, iterations))[:keyLength]
   as in intake/chalicelib/track.py; salt and iterations come from the page. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-track]");
  if (!form || !window.fetch || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;

  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  var LENGTH = 9;
  var input = form.elements.code;
  var status = document.getElementById("track-status");
  var result = document.getElementById("track-result");
  var base = form.getAttribute("data-base") || "";
  var salt = form.getAttribute("data-salt");
  var iterations = parseInt(form.getAttribute("data-iterations"), 10);
  var keyLength = parseInt(form.getAttribute("data-key-length"), 10);

  function CodeError(message, reason) { this.message = message; this.reason = reason; }

  function checkSymbol(body) {
    var n = ALPHABET.length, total = 0, factor = 2;
    for (var i = body.length - 1; i >= 0; i--) {
      var addend = factor * ALPHABET.indexOf(body.charAt(i));
      total += Math.floor(addend / n) + (addend % n);
      factor = factor === 2 ? 1 : 2;
    }
    return ALPHABET.charAt((n - (total % n)) % n);
  }

  function normalize(text) {
    var raw = String(text || "").replace(/\s+/g, "").replace(/[-－]/g, "").toUpperCase()
      .replace(/I/g, "1").replace(/L/g, "1").replace(/O/g, "0");
    if (!raw) throw new CodeError("请输入受理编号。", "empty");
    var chars = Array.from ? Array.from(raw) : raw.split("");
    if (chars.length !== LENGTH) {
      throw new CodeError("受理编号应为" + LENGTH + "位字母或数字（如 K7M-3PQ-XC4），您输入了" + chars.length + "位。", "length");
    }
    var bad = [];
    chars.forEach(function (ch) { if (ALPHABET.indexOf(ch) < 0 && bad.indexOf(ch) < 0) bad.push(ch); });
    if (bad.length) throw new CodeError("受理编号中不应出现字符：" + bad.sort().join("、") + "。", "symbol");
    if (checkSymbol(raw.slice(0, -1)) !== raw.slice(-1)) {
      throw new CodeError("受理编号校验不符，可能有字符输错或顺序颠倒，请核对后重新输入。", "check");
    }
    return raw.slice(0, 3) + "-" + raw.slice(3, 6) + "-" + raw.slice(6);
  }

  function statusKey(code) {
    var enc = new TextEncoder();
    return window.crypto.subtle.importKey("raw", enc.encode(code), "PBKDF2", false, ["deriveBits"])
      .then(function (key) {
        return window.crypto.subtle.deriveBits(
          { name: "PBKDF2", hash: "SHA-256", salt: enc.encode(salt), iterations: iterations },
          key, keyLength * 4);
      })
      .then(function (bits) {
        return Array.prototype.map.call(new Uint8Array(bits), function (b) {
          return ("0" + b.toString(16)).slice(-2);
        }).join("");
      });
  }

  function cnDate(iso) {
    var p = iso.split("-");
    return parseInt(p[0], 10) + "年" + parseInt(p[1], 10) + "月" + parseInt(p[2], 10) + "日";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function say(message, isError) {
    status.textContent = message;
    status.className = "form-status" + (isError ? " error" : "");
  }

  function render(code, record) {
    result.textContent = "";
    result.appendChild(el("h2", {}, "受理编号 " + code));
    var badges = el("p", { "class": "badges" });
    badges.appendChild(el("span", { "class": "badge state-" + record.state }, record.state_label));
    result.appendChild(badges);
    var facts = el("dl", { "class": "facts" });
    [["标题", record.title], ["来源", record.source], ["类别", record.category],
     ["办理期限", record.deadline && cnDate(record.deadline)]].forEach(function (pair) {
      if (!pair[1]) return;
      var row = el("div");
      row.appendChild(el("dt", {}, pair[0]));
      row.appendChild(el("dd", {}, pair[1]));
      facts.appendChild(row);
    });
    result.appendChild(facts);
    result.appendChild(el("h3", {}, "办理过程"));
    var list = el("ol", { "class": "timeline" });
    record.timeline.forEach(function (event) {
      var item = el("li", { "class": "event-" + event.kind });
      item.appendChild(el("time", { datetime: event.date }, cnDate(event.date)));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("strong", {}, event.label));
      if (event.note) item.appendChild(el("span", {}, event.note));
      list.appendChild(item);
    });
    result.appendChild(list);
    if (record.published) {
      var p = el("p");
      p.appendChild(el("a", { "class": "button", href: record.published }, "查看公开的答复全文"));
      result.appendChild(p);
    }
    result.hidden = false;
  }

  function explain(err, typed) {
    if (err.reason !== "check") return err.message;
    // The ninth symbol is computed from the first eight: a mismatch means a
    // mistyped symbol (or two swapped neighbours), never someone else's case.
    var raw = typed.replace(/[\s\-－]/g, "").toUpperCase();
    return err.message + "编号的最后一位“" + raw.slice(-1) + "”是校验位，由前8位计算得出，" +
      "用来发现抄错的编号。请逐位核对，特别注意 0 和 D、1 和 7、2 和 Z、5 和 S、8 和 B 等容易混淆的字符。";
  }

  function lookup(typed) {
    var code;
    result.hidden = true;
    try {
      code = normalize(typed);
    } catch (err) {
      if (!(err instanceof CodeError)) throw err;
      say(explain(err, typed), true);
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    input.value = code;
    say("正在查询……");
    statusKey(code)
      .then(function (key) {
        return fetch(base + "/track/s/" + key + ".json", { credentials: "same-origin" });
      })
      .then(function (response) {
        if (response.status === 404) {
          say("暂未查到受理编号 " + code + " 的办理记录。新提交的意见在工作人员登记受理后才能查询，请过一两个工作日再查。");
          return null;
        }
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (record) {
        if (!record) return;
        say("");
        render(code, record);
      })
      .catch(function () {
        say("查询暂时失败，请检查网络后重试。", true);
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    lookup(input.value);
  });

  // The receipt links here as /track/?code=…: look it up at once.
  var match = /[?&]code=([^&#]*)/.exec(window.location.search);
  if (match) {
    var typed = decodeURIComponent(match[1].replace(/\+/g, " "));
    input.value = typed;
    lookup(typed);
  }
})();
