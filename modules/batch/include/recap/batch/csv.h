// Comma-separated values as recap writes them (RFC 4180): a cell is quoted only when it holds a
// comma, a quote, a line break or leading/trailing spaces; quotes are doubled.
#pragma once

#include <string>
#include <vector>

namespace recap::batch {

std::string csvCell(const std::string& value);
// One line, cells joined by commas, ending in "\n".
std::string csvLine(const std::vector<std::string>& cells);
// All rows of `text` (LF or CRLF line ends; quoted cells may span lines). A trailing line end
// does not make an empty row. Throws std::invalid_argument("line N: ...") for an unterminated
// quote or text after a closing quote.
std::vector<std::vector<std::string>> parseCsv(const std::string& text);

}  // namespace recap::batch
