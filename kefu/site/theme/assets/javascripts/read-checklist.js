/*
 * 我已读完: tick boxes on the training pages, kept in this browser only.
 *
 * A training page wraps its reading list in <div class="kefu-checklist">: every list item gets a
 * tick box. A <div class="kefu-read-page"> becomes the page's own box, "我已读完本页". Inside a
 * <div class="kefu-progress"> (the training overview) every link to a page ticked as read gets a
 * "已读完" mark.
 *
 * The ticks live in localStorage, which Chromium and Firefox also give pages opened from disk
 * (file://); nothing is sent anywhere. An item is keyed by the pages it links to, so a page
 * ticked in one reading list is ticked in every list that names it. If the browser refuses
 * storage (private mode, a locked-down profile) the boxes still work for the visit and say so.
 */
(function () {
  "use strict";

  var PREFIX = "kefu-read:v1:";
  var memory = {};
  var stored = true;

  function load(key) {
    try {
      return window.localStorage.getItem(PREFIX + key) === "1";
    } catch (err) {
      stored = false;
      return memory[key] === true;
    }
  }

  function save(key, value) {
    memory[key] = value;
    try {
      if (value) {
        window.localStorage.setItem(PREFIX + key, "1");
      } else {
        window.localStorage.removeItem(PREFIX + key);
      }
    } catch (err) {
      stored = false;
    }
  }

  // "training/day1.html": the last two segments of the page's address, the same from file://
  // (…/site/training/day1.html) and from a server (/training/day1.html).
  function pageId(url) {
    var path = new URL(url, window.location.href).pathname.replace(/\/$/, "/index.html");
    var parts = decodeURIComponent(path).split("/").filter(Boolean);
    return parts.slice(-2).join("/");
  }

  function itemKey(item) {
    var targets = [];
    item.querySelectorAll("a[href]").forEach(function (link) {
      var target = pageId(link.href);
      if (targets.indexOf(target) < 0) targets.push(target);
    });
    var what = targets.length ? targets.join("+") : item.textContent.replace(/\s+/g, " ").trim();
    return "item:" + what;
  }

  function box(label, key, onChange) {
    var input = document.createElement("input");
    input.type = "checkbox";
    input.className = "kefu-check";
    input.checked = load(key);
    input.setAttribute("aria-label", label);
    input.addEventListener("change", function () {
      save(key, input.checked);
      onChange();
    });
    return input;
  }

  function init() {
    var article = document.querySelector(".md-content article");
    if (!article) return;
    var here = pageId(window.location.href);
    var items = [];
    var summary = null;

    function update() {
      var done = items.filter(function (input) { return input.checked; }).length;
      if (summary) {
        summary.textContent = items.length ? "阅读清单已勾 " + done + " / " + items.length + " 项" : "";
        if (!stored) summary.textContent += "（这个浏览器不允许保存，离开本页后勾选不会保留）";
      }
    }

    article.querySelectorAll(".kefu-checklist li").forEach(function (item) {
      var label = "已读：" + item.textContent.replace(/\s+/g, " ").trim();
      var input = box(label, itemKey(item), update);
      item.classList.add("kefu-check-item");
      item.insertBefore(input, item.firstChild);
      items.push(input);
    });

    article.querySelectorAll(".kefu-read-page").forEach(function (holder) {
      var label = document.createElement("label");
      label.className = "kefu-read-page__label";
      label.appendChild(box("我已读完本页", "done:" + here, update));
      label.appendChild(document.createTextNode(" 我已读完本页（阅读、练习和自测都做完了）"));
      summary = document.createElement("span");
      summary.className = "kefu-read-page__count";
      holder.appendChild(label);
      holder.appendChild(summary);
    });

    article.querySelectorAll(".kefu-progress a[href]").forEach(function (link) {
      if (link.closest(".headerlink") || !load("done:" + pageId(link.href))) return;
      var mark = document.createElement("span");
      mark.className = "kefu-done";
      mark.textContent = "✓ 已读完";
      link.insertAdjacentElement("afterend", mark);
    });

    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
