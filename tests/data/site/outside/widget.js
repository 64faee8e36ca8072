// Docs: https://example.com/widget/guide.html and https://github.com/example/widget/blob/main/src/x.js
var lib = "https://unpkg.com/some-widget@2";
loadScript("//cdn.example.org/lib/chart.min.js");
