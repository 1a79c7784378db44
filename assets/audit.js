/* The audit log's "Undo merge" cell: a button on the entries of merges still in effect.
   Its text comes from the column's parameters (the page's language) and is handed to React
   as a text child; a click hands the merge's decision id to the page's callback. */
(function () {
  "use strict";
  var fns = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});
  var h = React.createElement;

  fns.UndoMergeButton = function (props) {
    var params = props.colDef && props.colDef.cellRendererParams || {};
    var decision = (props.data || {}).undo;
    if (typeof decision !== "number") { return null; }
    var label = String(params.label || "");
    return h("button", {
      type: "button", className: "btn btn-sm btn-outline-secondary py-0",
      onClick: function () { props.setData({ decision: decision }); }
    }, h("i", { className: "bi bi-arrow-counterclockwise me-1", "aria-hidden": "true" }), label);
  };
})();
