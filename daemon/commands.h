#ifndef NG_COMMANDS_H
#define NG_COMMANDS_H

int cmd_run(int argc, char **argv);
int cmd_check_config(int argc, char **argv);
int cmd_list_devices(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_ctl(int argc, char **argv);

#endif
