// The sealbox subcommands (DESIGN.md §1, docs/cli.md). Each returns the process exit code (app/exit_codes.h) and
// prints at most one line on stderr when it fails.
#pragma once

#include <filesystem>
#include <string>

namespace app {

struct Globals {
  std::filesystem::path root = "/var/lib/sealbox";
};

int run_init(const Globals& g);
int run_user_add(const Globals& g, const std::string& name, const std::string& password_file);
int run_user_passwd(const Globals& g, const std::string& name, const std::string& old_password_file,
                    const std::string& password_file);
int run_user_list(const Globals& g);
int run_user_rm(const Globals& g, const std::string& name);
int run_deliver(const Globals& g, const std::string& user, const std::string& mailbox);
int run_check(const Globals& g, const std::string& name, const std::string& password_file);
int run_serve(const Globals& g, const std::string& ports_file);
// root empty: a fresh temporary directory, removed on exit.
int run_demo(const std::string& root, const std::string& ports_file);

}  // namespace app
