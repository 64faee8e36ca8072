/*
 * Search on any change of the search box, not only on a key.
 *
 * Material's search box reads its value on keyup and on focus: text pasted from the
 * right-click or long-press menu, dropped in, or typed by the input method of a phone sends
 * no key event, and the results stayed empty until a key was pressed. Every change of the
 * value sends an input event: this script answers it with the keyup Material listens for
 * (it reads the value and ignores an unchanged one). While an input method is still
 * composing (pinyin letters) nothing is sent; the composed characters are.
 */
(function () {
  "use strict";

  function nudge(input) {
    input.dispatchEvent(new KeyboardEvent("keyup"));
  }

  function init() {
    var input = document.querySelector("input.md-search__input");
    if (!input) return;
    input.addEventListener("input", function (event) {
      if (!event.isComposing) nudge(input);
    });
    input.addEventListener("compositionend", function () {
      nudge(input);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
