package dev.portcullis.dataplane;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A command, its {@code --name value} options and its positional words; bad input is a usage error. */
public record CommandLine(String command, Map<String, String> options, List<String> positional) {

    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }

    /** Parses {@code args}; the first word that is not an option is the command when it is in {@code commands}. */
    public static CommandLine parse(String[] args, Set<String> commands, Set<String> optionNames, String defaultCommand) {
        String command = defaultCommand;
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                command = "help";
            } else if (arg.startsWith("--")) {
                String name = arg.substring(2);
                String value;
                int equals = name.indexOf('=');
                if (equals >= 0) {
                    value = name.substring(equals + 1);
                    name = name.substring(0, equals);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
                if (!optionNames.contains(name)) {
                    throw new UsageException("unknown option --" + name);
                }
                options.put(name, value);
            } else if (i == 0 && commands.contains(arg)) {
                command = arg;
            } else {
                positional.add(arg);
            }
        }
        return new CommandLine(command, Map.copyOf(options), List.copyOf(positional));
    }

    public String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    public int port(String name, int fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageException("--" + name + " must be a port number from 0 to 65535, not \"" + value + "\"");
    }
}
