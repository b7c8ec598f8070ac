// Subcommands of the recap executable. Each add*Command registers its options on `app` and
// stores in `action` the function that runs it (returning the process exit code).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace recap::cli {

using Action = std::function<int()>;

void addInfoCommand(CLI::App& app, Action& action);
void addConvertCommand(CLI::App& app, Action& action);
void addPhantomCommand(CLI::App& app, Action& action);
void addAssessCommand(CLI::App& app, Action& action);
void addBatchCommand(CLI::App& app, Action& action);
void addValidateCommand(CLI::App& app, Action& action);
void addListenCommand(CLI::App& app, Action& action);

}  // namespace recap::cli
