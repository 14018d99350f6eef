import Foundation

/// A horizontal bar chart drawn on the server as SVG. It is an image with a short text
/// alternative; the same figures are always given in a table beside it. A bar whose count may
/// not be published has no bar and reads "moins de 5".
public enum BarChart {
    public struct Bar: Sendable {
        public let label: String
        /// nil when the figure is hidden (small cell).
        public let value: Double?
        public let text: String
        public init(label: String, value: Double?, text: String) {
            self.label = label; self.value = value; self.text = text
        }
    }

    public static func svg(_ bars: [Bar], title: String, id: String) -> HTML {
        let rowHeight = 26, labelWidth = 230, barWidth = 300, textWidth = 110
        let width = labelWidth + barWidth + textWidth
        let height = max(1, bars.count) * rowHeight + 8
        let top = bars.compactMap(\.value).max() ?? 0
        var body = HTML.empty
        for (i, bar) in bars.enumerated() {
            let y = 4 + i * rowHeight
            let label = bar.label.count > 34 ? String(bar.label.prefix(33)) + "…" : bar.label
            body.append(
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\" class=\"chart-label\">\(label)</text>"
            )
            if let value = bar.value, top > 0 {
                let w = max(value > 0 ? 2 : 0, Int((value / top * Double(barWidth)).rounded()))
                body.append(
                    "<rect x=\"\(labelWidth)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"\(rowHeight - 8)\" class=\"chart-bar\"></rect>"
                )
                body.append(
                    "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 17)\" class=\"chart-value\">\(bar.text)</text>")
            } else {
                body.append(
                    "<text x=\"\(labelWidth + 6)\" y=\"\(y + 17)\" class=\"chart-value chart-hidden\">\(bar.text)</text>"
                )
            }
        }
        return """
            <svg class="chart" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" aria-labelledby="\(id)-titre" focusable="false">\
            <title id="\(id)-titre">\(title)</title>\(body)</svg>
            """
    }
}
