/* 站内搜索: queries the Pagefind index (/pagefind/, written after the build
   by portal_tools/search.py) in the browser. Reads ?q= so the header's
   search box (a plain GET form) lands here with its words searched. Without
   JavaScript the page keeps its links to the indexes instead. Results are
   built as text (only Pagefind's <mark> highlights become elements). */
(function () {
  "use strict";
  var form = document.querySelector("[data-search]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var statusEl = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var moreP = document.querySelector(".more-results");
  var moreBtn = document.querySelector("[data-search-more]");
  var nojs = document.querySelector("[data-search-nojs]");
  var baseTitle = document.title;
  var PAGE = 10;
  var loading = null, results = [], shown = 0, ticket = 0;

  if (nojs) nojs.hidden = true;

  function say(text) {
    statusEl.textContent = text;
    statusEl.hidden = !text;
  }

  function load() {
    if (!loading) {
      loading = import(form.getAttribute("data-index")).then(function (pf) {
        return Promise.resolve(pf.options({ baseUrl: form.getAttribute("data-base") || "/", excerptLength: 40 }))
          .then(function () { return pf; });
      });
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  function excerpt(target, html) {
    var doc = new DOMParser().parseFromString("<!doctype html><body>" + (html || ""), "text/html");
    Array.prototype.forEach.call(doc.body.childNodes, function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function render(data) {
    var li = document.createElement("li");
    li.className = "item";
    var a = document.createElement("a");
    a.className = "item-title";
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    li.appendChild(a);
    var kind = data.meta && data.meta["类型"];
    if (kind) {
      var meta = document.createElement("p");
      meta.className = "item-meta";
      meta.textContent = kind;
      li.appendChild(meta);
    }
    var text = document.createElement("p");
    text.className = "search-excerpt";
    excerpt(text, data.excerpt);
    li.appendChild(text);
    return li;
  }

  function done() { list.setAttribute("aria-busy", "false"); }

  function unavailable(mine) {
    if (mine !== ticket) return;
    say("搜索暂时不可用，请稍后再试。");
    if (nojs) {
      var first = nojs.querySelector("p");
      if (first) first.textContent = "搜索暂时不可用。不用搜索也可以找到全部内容：";
      nojs.hidden = false;
    }
    done();
  }

  function showMore(focusFirst) {
    var mine = ticket;
    var batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    list.setAttribute("aria-busy", "true");
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (mine !== ticket) return;
      var first = null;
      items.forEach(function (data) {
        var li = render(data);
        first = first || li;
        list.appendChild(li);
      });
      moreP.hidden = shown >= results.length;
      if (focusFirst && first) first.querySelector("a").focus();
      done();
    }, function () { unavailable(mine); });
  }

  function run(query) {
    var mine = ++ticket;
    var q = (query || "").trim();
    list.textContent = "";
    moreP.hidden = true;
    results = [];
    shown = 0;
    document.title = q ? "“" + q + "”的搜索结果 - " + baseTitle : baseTitle;
    if (!q) { say(""); done(); return; }
    list.setAttribute("aria-busy", "true");
    say("正在搜索……");
    load().then(function (pf) { return pf.search(q); }).then(function (search) {
      if (mine !== ticket) return;
      results = (search && search.results) || [];
      if (!results.length) {
        say("没有找到与“" + q + "”相关的内容。可以换个词，或到“办理结果”按类别、承办单位查找。");
        done();
        return;
      }
      say("找到 " + results.length + " 条与“" + q + "”相关的结果");
      return showMore(false);
    }).catch(function () { unavailable(mine); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value.trim());
    window.history.pushState(null, "", url);
    run(input.value);
  });
  moreBtn.addEventListener("click", function () { showMore(true); });
  window.addEventListener("popstate", function () {
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    run(input.value);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });

  input.value = new URLSearchParams(window.location.search).get("q") || "";
  run(input.value);
})();
