/* Progressive enhancement of the 我要留言 form. Without this script the form
   is a plain POST that the intake answers with a 303 to the receipt page. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft]");
  if (!form || !window.fetch || !window.JSON) return;
  var DRAFT = "portal-draft-" + form.getAttribute("data-draft");
  var status = form.querySelector(".form-status");
  var content = form.elements.content;
  var FIELDS = ["target", "category", "title", "content", "name", "phone", "contact", "anonymous"];

  function randomKey() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function store(fn) { try { return fn(window.localStorage); } catch (e) { return null; } }

  // The draft stays on this device until the intake confirms the submission.
  function saveDraft() {
    var data = { key: form.elements.idempotency_key.value };
    FIELDS.forEach(function (name) {
      var el = form.elements[name];
      data[name] = el.type === "checkbox" ? el.checked : el.value;
    });
    store(function (s) { s.setItem(DRAFT, JSON.stringify(data)); });
  }
  function restoreDraft() {
    var raw = store(function (s) { return s.getItem(DRAFT); });
    if (!raw) return false;
    var data;
    try { data = JSON.parse(raw); } catch (e) { return false; }
    FIELDS.forEach(function (name) {
      var el = form.elements[name];
      if (!(name in data)) return;
      if (el.type === "checkbox") el.checked = !!data[name];
      else if (name !== "target" || !el.value) el.value = data[name];
    });
    if (data.key) form.elements.idempotency_key.value = data.key;
    return !!data.content;
  }

  form.elements.idempotency_key.value = randomKey();
  if (restoreDraft()) say("已恢复您上次未提交的内容。");

  var counter = document.createElement("p");
  counter.className = "counter";
  counter.setAttribute("aria-live", "polite");
  content.parentNode.insertBefore(counter, content.nextSibling);
  function count() {
    var n = content.value.trim().length;
    counter.textContent = "已输入 " + n + " 字（10—2000字）";
  }
  count();
  form.addEventListener("input", function () { count(); saveDraft(); });
  form.addEventListener("change", saveDraft);

  fetch("/api/form-token", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (d) { if (d && d.token) form.elements.form_token.value = d.token; })
    .catch(function () {});

  function say(text) { status.textContent = text; }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll(".error-text"), function (el) { el.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
  }
  function showErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (name) {
      var el = form.elements[name];
      var msg = document.createElement("p");
      msg.className = "error-text";
      msg.id = "err-" + name;
      msg.textContent = errors[name];
      if (el && el.nodeType === 1 && el.type !== "hidden") {
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", msg.id);
        var anchor = el.type === "checkbox" ? el.parentNode : el;
        anchor.parentNode.insertBefore(msg, anchor.nextSibling);
        first = first || el;
      } else {
        status.appendChild(msg);
      }
    });
    if (first) first.focus();
  }
  function localErrors() {
    var errors = {};
    var n = content.value.trim().length;
    if (n < 10) errors.content = "内容至少需要10个字，目前" + n + "个字。";
    if (n > 2000) errors.content = "内容不能超过2000个字，目前" + n + "个字。";
    var phone = form.elements.phone.value.replace(/[\s-]/g, "");
    if (phone && !/^(\+?86)?(1[3-9]\d{9}|0\d{9,11})$/.test(phone)) errors.phone = "电话号码格式不对，请填写手机号或带区号的座机号。";
    if (form.elements.contact.checked && !phone) errors.phone = "希望联系您时，请填写电话。";
    if (!form.elements.consent.checked) errors.consent = "请阅读并同意隐私说明。";
    return errors;
  }

  function payload() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      if (el.type === "checkbox") data[el.name] = el.checked;
      else data[el.name] = el.value;
    });
    return JSON.stringify(data);
  }

  function receipt(code, trackUrl) {
    store(function (s) { s.removeItem(DRAFT); });
    var box = document.createElement("section");
    box.className = "receipt";
    box.setAttribute("tabindex", "-1");
    box.innerHTML = "<h2>提交成功</h2><p>您的受理编号是：</p><strong class=\"code\"></strong>" +
      "<p><button type=\"button\" class=\"button secondary\">复制编号</button></p>" +
      "<p>请记下或截图保存这个编号，凭编号可<a>查询办理进度</a>。</p>";
    box.querySelector(".code").textContent = code;
    box.querySelector("a").href = trackUrl || ("/track/?code=" + encodeURIComponent(code));
    box.querySelector("button").addEventListener("click", function () {
      var done = function () { box.querySelector("button").textContent = "已复制"; };
      if (navigator.clipboard) navigator.clipboard.writeText(code).then(done, function () {});
    });
    form.parentNode.replaceChild(box, form);
    box.focus();
  }

  function send(attempt) {
    return fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: payload()
    }).catch(function () {
      // Network failure: the same idempotency key makes a retry safe.
      if (attempt >= 3) throw new Error("network");
      say("网络不稳定，正在第" + (attempt + 1) + "次重试……");
      return new Promise(function (r) { setTimeout(r, 1500 * attempt); }).then(function () { return send(attempt + 1); });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var errors = localErrors();
    if (Object.keys(errors).length) { say("请按提示修改后再提交。"); showErrors(errors); return; }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say("正在提交……");
    send(1).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 202 || response.status === 200) return receipt(body.code, body.track_url);
        if (response.status === 400 && body.errors) { say("请按提示修改后再提交。"); return showErrors(body.errors); }
        var wait = response.headers.get("Retry-After");
        say((body.message || "暂时无法提交，您填写的内容已保存在本机。") + (wait ? "请" + wait + "秒后再试。" : ""));
      });
    }).catch(function () {
      say("网络连接失败，您填写的内容已保存在本机，网络恢复后请再点“提交”。");
    }).then(function () { button.disabled = false; });
  });
})();
