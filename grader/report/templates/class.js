// The class dashboard's only script: sorts and filters each section's table in place.
(function () {
  "use strict";

  function value(row, index, numeric) {
    var cell = row.cells[index];
    var v = cell.getAttribute("data-v");
    if (v === null) { v = cell.textContent.trim(); }
    return numeric ? (parseFloat(v) || 0) : v.toLowerCase();
  }

  function sortBy(table, th) {
    var numeric = th.getAttribute("data-type") === "num";
    var current = th.getAttribute("aria-sort");
    // numbers start with the highest, text with A; a second click reverses
    var descending = current === "none" ? numeric : current === "ascending";
    var index = th.cellIndex;
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].hasAttribute("aria-sort")) { heads[i].setAttribute("aria-sort", "none"); }
    }
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var sign = descending ? -1 : 1;
    rows.sort(function (a, b) {
      var x = value(a, index, numeric), y = value(b, index, numeric);
      if (x < y) { return -sign; }
      if (x > y) { return sign; }
      return 0;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
  }

  function matches(row, text, status) {
    if (text && row.getAttribute("data-search").indexOf(text) < 0) { return false; }
    if (status === "") { return true; }
    if (status === "review") { return row.getAttribute("data-review") !== "0"; }
    if (status === "failing") { return row.getAttribute("data-failing") === "1"; }
    return row.getAttribute("data-status") === status;
  }

  function setUp(section) {
    var table = section.querySelector("table.students");
    var input = section.querySelector("input.filter-text");
    var select = section.querySelector("select.filter-status");
    var counter = section.querySelector(".shown");
    if (!table || !input || !select || !counter) { return; }
    var template = counter.getAttribute("data-template");
    function filter() {
      var text = input.value.trim().toLowerCase();
      var rows = table.tBodies[0].rows, shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var keep = matches(rows[i], text, select.value);
        rows[i].hidden = !keep;
        if (keep) { shown++; }
      }
      counter.textContent = template.replace("{shown}", shown).replace("{total}", rows.length);
    }
    input.addEventListener("input", filter);
    select.addEventListener("change", filter);
    var buttons = table.tHead.querySelectorAll("button.sort");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function () { sortBy(table, button.parentNode); });
    });
    filter();
  }

  Array.prototype.forEach.call(document.querySelectorAll("section.rubric"), setUp);
})();
