#include "recap/batch/csv.h"

#include <stdexcept>

namespace recap::batch {

std::string csvCell(const std::string& v) {
  const bool quote = v.find_first_of(",\"\r\n") != std::string::npos ||
                     (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + csvCell(cells[i]);
  return line + "\n";
}

std::vector<std::vector<std::string>> parseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  size_t line = 1, i = 0;
  bool row_started = false;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' && cell.empty()) {
      const size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= text.size()) throw std::invalid_argument("line " + std::to_string(start_line) + ": unterminated quoted cell");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        cell += text[i++];
      }
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
        throw std::invalid_argument("line " + std::to_string(line) + ": text after a closing quote");
      row_started = true;
      continue;
    }
    if (c == ',') {
      row.push_back(cell);
      cell.clear();
      row_started = true;
      ++i;
    } else if (c == '\n' || c == '\r') {
      row.push_back(cell);
      rows.push_back(row);
      row.clear();
      cell.clear();
      row_started = false;
      i += (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      ++line;
    } else {
      cell += c;
      row_started = true;
      ++i;
    }
  }
  if (row_started || !cell.empty()) {
    row.push_back(cell);
    rows.push_back(row);
  }
  return rows;
}

}  // namespace recap::batch
