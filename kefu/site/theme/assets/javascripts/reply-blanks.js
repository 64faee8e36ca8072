/*
 * Blanks in standard replies.
 *
 * A reply is a ```text block; a blank in it is written 【订单号】 (full-width brackets around a
 * short label). This script turns every blank into a small input box. Material's copy button
 * copies the text of the nearest element carrying data-copy, so the block keeps data-copy up to
 * date: filled blanks are copied as typed, empty ones as the original 【订单号】.
 *
 * Copying a reply with a blank still empty asks first (a confirm naming the empty blanks), so
 * that 【物流单号】 does not reach a customer unnoticed; confirmed, the reply is copied as it is.
 *
 * Nothing is stored (no storage, no cookies) and nothing is loaded: the page works from file://.
 * The search index is built from the Markdown, so it still holds the plain text with 【订单号】.
 */
(function () {
  "use strict";

  var BLANK = /【([^【】\n]{1,20})】/g;

  function width(input) {
    // Chinese characters are about 1em wide; latin letters and digits about half that.
    var text = input.value || input.placeholder;
    var ems = 0;
    for (var i = 0; i < text.length; i++) {
      ems += text.charCodeAt(i) > 0x2e7f ? 1 : 0.6;
    }
    input.style.width = Math.max(3, ems + 1.2) + "em";
  }

  function filledText(code) {
    var parts = [];
    code.childNodes.forEach(function visit(node) {
      if (node.nodeType === Node.TEXT_NODE) {
        parts.push(node.nodeValue);
      } else if (node.nodeName === "INPUT") {
        var value = node.value.trim();
        parts.push(value || node.getAttribute("data-blank"));
      } else {
        node.childNodes.forEach(visit);
      }
    });
    return parts.join("");
  }

  function makeInput(label) {
    var input = document.createElement("input");
    input.type = "text";
    input.className = "kefu-blank";
    input.placeholder = label;
    input.setAttribute("aria-label", "填写" + label);
    input.setAttribute("data-blank", "【" + label + "】");
    input.autocomplete = "off";
    input.spellcheck = false;
    width(input);
    return input;
  }

  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  function fillable(code) {
    var found = 0;
    textNodes(code).forEach(function (node) {
      var text = node.nodeValue;
      BLANK.lastIndex = 0;
      if (!BLANK.test(text)) return;
      var fragment = document.createDocumentFragment();
      var last = 0;
      text.replace(BLANK, function (match, label, offset) {
        fragment.appendChild(document.createTextNode(text.slice(last, offset)));
        fragment.appendChild(makeInput(label.trim()));
        last = offset + match.length;
        found += 1;
        return match;
      });
      fragment.appendChild(document.createTextNode(text.slice(last)));
      node.parentNode.replaceChild(fragment, node);
    });
    if (!found) return;
    var block = code.closest(".highlight");
    if (block) block.classList.add("kefu-reply--blanks");
    code.setAttribute("data-copy", filledText(code));
    code.addEventListener("input", function (event) {
      if (event.target.nodeName === "INPUT") width(event.target);
      code.setAttribute("data-copy", filledText(code));
    });
  }

  /**
   * Before Material's copy button copies a reply (Clipboard.js listens on document.body), ask
   * when a blank is still empty; "取消" stops the copy and puts the cursor in the first one.
   */
  function guardCopy(event) {
    var button = event.target.closest && event.target.closest("button[data-clipboard-target]");
    var block = button && button.closest(".kefu-reply--blanks");
    if (!block) return;
    var empty = Array.prototype.filter.call(block.querySelectorAll("input.kefu-blank"), function (input) {
      return !input.value.trim();
    });
    if (!empty.length) return;
    var names = empty.map(function (input) { return input.getAttribute("data-blank"); });
    var question =
      "这条回复还有 " + empty.length + " 个空没有填：\n" + names.join("、") +
      "\n\n点“确定”仍然复制（没填的空按原样带着【】），点“取消”回去填写。";
    if (window.confirm(question)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    empty[0].focus();
  }

  function init() {
    // ```text blocks carry no language class; a command block never holds a 【】 blank.
    document.querySelectorAll(".md-content .highlight code").forEach(fillable);
  }

  document.addEventListener("click", guardCopy, true);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
