package io.alexnet.report;

import java.util.List;
import java.util.Map;

/** A small HTML page builder: sections, tables, inlined images; text is escaped. */
final class Html {
  private final StringBuilder sb = new StringBuilder();

  Html(String title) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>").append(escape(title)).append("</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1400px;color:#222}")
        .append("h2{border-bottom:1px solid #ccc;padding-top:.5em}")
        .append("table{border-collapse:collapse;font-size:13px}")
        .append("td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}")
        .append("pre{background:#f6f6f6;padding:1em;overflow-x:auto}")
        .append(".row{display:flex;flex-wrap:wrap;gap:10px;margin:.5em 0}")
        .append("p img{max-width:100%;height:auto}")
        .append("figure{margin:0;width:120px;font-size:12px}")
        .append("figure img{display:block;max-width:96px;max-height:96px}")
        .append("</style></head><body>\n<h1>").append(escape(title)).append("</h1>\n");
  }

  void section(String id, String heading) {
    sb.append("<h2 id=\"").append(id).append("\">").append(escape(heading)).append("</h2>\n");
  }

  void p(String text) {
    sb.append("<p>").append(escape(text)).append("</p>\n");
  }

  void pre(String text) {
    sb.append("<pre>").append(escape(text)).append("</pre>\n");
  }

  void img(String dataUri, String alt) {
    sb.append("<p><img src=\"").append(dataUri).append("\" alt=\"").append(escape(alt))
        .append("\"></p>\n");
  }

  /** An image with a caption already escaped (it may hold line breaks). */
  void figure(String dataUri, String name, String captionHtml, String kind) {
    sb.append("<figure class=\"").append(kind).append("\" data-name=\"").append(escape(name))
        .append("\"><img src=\"").append(dataUri).append("\" alt=\"").append(escape(name))
        .append("\"><figcaption>").append(captionHtml).append("</figcaption></figure>\n");
  }

  void table(Map<String, String> rows, String key, String value) {
    sb.append("<table><tr><th>").append(escape(key)).append("</th><th>").append(escape(value))
        .append("</th></tr>\n");
    rows.forEach((k, v) -> sb.append("<tr><td>").append(escape(k)).append("</td><td>")
        .append(escape(v)).append("</td></tr>\n"));
    sb.append("</table>\n");
  }

  void grid(List<String> head, List<List<String>> rows) {
    sb.append("<table><tr>");
    head.forEach(c -> sb.append("<th>").append(escape(c)).append("</th>"));
    sb.append("</tr>\n");
    for (List<String> r : rows) {
      sb.append("<tr>");
      r.forEach(c -> sb.append("<td>").append(escape(c)).append("</td>"));
      sb.append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  void open(String tag) {
    sb.append('<').append(tag).append(">\n");
  }

  void close(String tag) {
    sb.append("</").append(tag).append(">\n");
  }

  String end() {
    return sb.append("</body></html>\n").toString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
