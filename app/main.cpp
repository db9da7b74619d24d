// The sealbox command: the composition root. Parses the command line (CLI11) and runs one subcommand.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "base/log.h"
#include "crypto/secret.h"

int main(int argc, char** argv) {
  // No core dumps: a core of this process would hold master keys and plaintext.
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  crypto::init();
  base::setup_logging("warn");

  CLI::App cli{"Sealbox: an IMAP mail store where every user's mail and metadata are encrypted at rest."};
  cli.require_subcommand(1);
  app::Globals g;
  cli.add_option("--root", g.root, "Data directory (holds sealbox.toml)")->capture_default_str();

  auto* init = cli.add_subcommand("init", "Create a data directory with a default sealbox.toml");

  auto* user = cli.add_subcommand("user", "Manage accounts")->require_subcommand(1);
  std::string name, password_file, old_password_file, mailbox;
  auto* add = user->add_subcommand("add", "Create an account (password prompted, or from --password-file)");
  add->add_option("NAME", name, "User name")->required();
  add->add_option("--password-file", password_file, "Read the password from the first line of a file (- for stdin)");
  auto* passwd = user->add_subcommand("passwd", "Change an account's password (needs the current one)");
  passwd->add_option("NAME", name, "User name")->required();
  passwd->add_option("--old-password-file", old_password_file, "Current password, first line of a file");
  passwd->add_option("--password-file", password_file, "New password, first line of a file");
  auto* list = user->add_subcommand("list", "List accounts");
  auto* rm = user->add_subcommand("rm", "Delete an account and all of its mail");
  rm->add_option("NAME", name, "User name")->required();

  auto* deliver = cli.add_subcommand("deliver", "MDA: store the message on stdin for a user (exit codes: sysexits)");
  deliver->add_option("--user", name, "Recipient user name")->required();
  deliver->add_option("--mailbox", mailbox, "Target mailbox (default INBOX; INBOX if it does not exist)");

  auto* check = cli.add_subcommand("check", "Unlock an account, verify every record and message, print counts");
  check->add_option("NAME", name, "User name")->required();
  check->add_option("--password-file", password_file, "Read the password from the first line of a file");

  std::string ports_file;
  auto* serve = cli.add_subcommand("serve", "Run the IMAPS server (until SIGTERM or SIGINT)");
  serve->add_option("--ports-file", ports_file, "Write 'imaps=PORT' here once listening (for port 0)");
  auto* demo = cli.add_subcommand("demo", "Run a throwaway server with a demo user on 127.0.0.1 and print how to connect");
  std::string demo_root;
  demo->add_option("--root", demo_root, "Use this new directory instead of a temporary one");
  demo->add_option("--ports-file", ports_file, "Write 'imaps=PORT' here once listening");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    return app::report(app::kExitUsage, e.what());
  }

  if (init->parsed()) return app::run_init(g);
  if (add->parsed()) return app::run_user_add(g, name, password_file);
  if (passwd->parsed()) return app::run_user_passwd(g, name, old_password_file, password_file);
  if (list->parsed()) return app::run_user_list(g);
  if (rm->parsed()) return app::run_user_rm(g, name);
  if (deliver->parsed()) return app::run_deliver(g, name, mailbox);
  if (check->parsed()) return app::run_check(g, name, password_file);
  if (serve->parsed()) return app::run_serve(g, ports_file);
  if (demo->parsed()) return app::run_demo(demo_root, ports_file);
  return app::report(app::kExitUsage, "no command given (try --help)");
}
